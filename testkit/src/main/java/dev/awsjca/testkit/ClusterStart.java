package dev.awsjca.testkit;

import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.CompletableFuture;

/**
 * How a cluster comes up: ports, directory, TLS certificate, one copy of the initdb template per node,
 * configuration, all servers started together, the cluster's own password, replicas streaming, then the
 * proxies and endpoints.
 */
final class ClusterStart {

    private static final System.Logger LOG = System.getLogger(ClusterStart.class.getName());
    static final String WRITER_ENDPOINT_ADDRESS = "127.0.0.2";
    static final String READER_ENDPOINT_ADDRESS = "127.0.0.3";
    static final int FIRST_NODE_OCTET = 11;

    private ClusterStart() {
    }

    static PgCluster start(ClusterSpec spec, String password) {
        TestkitException last = null;
        // another JVM may take the server port between our probe and the server's bind: try new ports then
        for (int attempt = 1; attempt <= 3; attempt++) {
            try {
                return startOnce(spec, password);
            } catch (PortTakenException e) {
                last = e;
                LOG.log(System.Logger.Level.DEBUG, "port taken while starting, retrying: {0}", e.getMessage());
            }
        }
        throw last;
    }

    private static PgCluster startOnce(ClusterSpec spec, String password) {
        Instant started = Instant.now();
        PgBinaries binaries = PgBinaries.find();
        ServerUser user = ServerUser.detect();
        Path dir = createClusterDir(user);
        List<ServerSocket> listeners = List.of();
        PgCluster cluster = null;
        try {
            ClusterFiles files = new ClusterFiles(binaries, user, dir, spec.superuser(), password);
            List<String> nodeAddresses = new ArrayList<>();
            for (int i = 0; i <= spec.replicas(); i++) {
                nodeAddresses.add("127.0.0." + (FIRST_NODE_OCTET + i));
            }
            // instance endpoints first, in node order, then the cluster and reader endpoints
            List<String> publicAddresses = new ArrayList<>(nodeAddresses);
            publicAddresses.add(WRITER_ENDPOINT_ADDRESS);
            publicAddresses.add(READER_ENDPOINT_ADDRESS);
            listeners = LoopbackPorts.bindSamePort(publicAddresses, -1);
            int port = listeners.get(0).getLocalPort();
            int serverPort = LoopbackPorts.freeOnAll(nodeAddresses, port);

            CompletableFuture<TlsFiles> tlsFuture = CompletableFuture.supplyAsync(
                    () -> TlsFiles.generate(dir, publicAddresses), Parallel.WORKERS);
            List<PgNode> nodes = new ArrayList<>();
            for (int i = 0; i < nodeAddresses.size(); i++) {
                nodes.add(new PgNode(files, i + 1, nodeAddresses.get(i), port, serverPort));
            }
            PgNode first = nodes.get(0);
            List<PgNode> replicas = nodes.subList(1, nodes.size());
            InitdbTemplate template = InitdbTemplate.get(binaries, user, spec.superuser(), spec.flavor());
            TlsFiles tls = tlsFuture.join();
            user.own(tls.certificate());
            user.own(tls.privateKey());
            cluster = new PgCluster(spec, files, tls, nodes);
            RunningClusters.add(cluster);
            Watchdog.watch(dir, binaries, user);

            // every node is a copy of the same stopped template: one system id, so the replicas stream from
            // the writer's first WAL record on, with no pg_basebackup round trip
            String conf = ServerConfig.postgresqlConf(tls, spec.settings());
            String hba = ServerConfig.hbaConf(spec.hbaRules());
            Parallel.forEach(nodes, node -> {
                ProcessRunner.run(user.command(List.of("cp", "-a", template.dataDir().toString(), node.dataDir().toString())),
                        Replication.TIMEOUT, dir, Map.of());
                files.append(node.dataDir().resolve("postgresql.conf"), conf);
                files.write(node.dataDir().resolve("pg_hba.conf"), hba);
                if (node == first) {
                    files.write(node.dataDir().resolve("postgresql.auto.conf"), node.autoConf(null, !replicas.isEmpty()));
                } else {
                    node.configureAsReplicaOf(first);
                }
            });
            // until the writer has this cluster's password, the replicas log in with the template's
            files.writePassfile(template.password());
            Parallel.forEach(nodes, PgNode::start);
            setSuperuserPassword(first, template.password(), files);
            Replication.awaitStreaming(first, replicas);
            cluster.openEndpoints(listeners, started);
            return cluster;
        } catch (RuntimeException e) {
            LoopbackPorts.closeAll(listeners);
            if (cluster != null) {
                cluster.close();
            } else {
                Directories.delete(dir);
            }
            throw e;
        }
    }

    /**
     * Replaces the template's password with this cluster's. pgjdbc computes the SCRAM verifier, so the
     * password itself never reaches the server (nor its log).
     */
    private static void setSuperuserPassword(PgNode writer, String templatePassword, ClusterFiles files) {
        Properties props = new Properties();
        props.setProperty("user", files.superuser);
        props.setProperty("password", templatePassword);
        props.setProperty("sslmode", "disable");
        props.setProperty("connectTimeout", "10");
        props.setProperty("socketTimeout", "60");
        try (Connection c = DriverManager.getConnection(
                "jdbc:postgresql://" + writer.host() + ":" + writer.serverPort() + "/postgres", props)) {
            c.unwrap(org.postgresql.PGConnection.class)
                    .alterUserPassword(files.superuser, files.password().toCharArray(), "scram-sha-256");
        } catch (SQLException e) {
            throw new TestkitException(writer.name() + ": could not set the superuser password: " + e.getMessage(), e);
        }
        files.writePassfile(files.password());
    }

    private static Path createClusterDir(ServerUser user) {
        try {
            Path dir = Files.createTempDirectory("awsjca-pg-",
                    PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
            Files.writeString(dir.resolve("owner.pid"), ProcessHandle.current().pid() + "\n");
            user.own(dir);
            try {
                user.checkReachable(dir);
            } catch (TestkitException e) {
                Directories.delete(dir);
                throw e;
            }
            return dir;
        } catch (IOException e) {
            throw new TestkitException("could not create a cluster directory under " + System.getProperty("java.io.tmpdir")
                    + ": " + e.getMessage(), e);
        }
    }
}
