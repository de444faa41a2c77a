package dev.awsjca.testkit;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;

/**
 * The background process behind the command line: it owns the cluster (the fault proxies and endpoints
 * live in a JVM, so something must outlive each command) and takes one-line commands on a loopback
 * control port.
 */
final class CliDaemon {

    private final PgCluster cluster;
    private final ServerSocket control;
    private final String token;
    private volatile boolean stopping;

    private CliDaemon(PgCluster cluster, ServerSocket control, String token) {
        this.cluster = cluster;
        this.control = control;
        this.token = token;
    }

    static void serve(PgCluster.Builder builder) throws IOException {
        PgCluster cluster = builder.start();
        ServerSocket control = new ServerSocket();
        control.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
        byte[] secret = new byte[16];
        new SecureRandom().nextBytes(secret);
        String token = HexFormat.of().formatHex(secret);
        CliDaemon daemon = new CliDaemon(cluster, control, token);
        new CliState(ProcessHandle.current().pid(), control.getLocalPort(), token).write();
        daemon.loop();
    }

    private void loop() {
        try {
            while (!stopping) {
                try (Socket s = control.accept()) {
                    s.setSoTimeout(120_000);
                    BufferedReader in = new BufferedReader(new InputStreamReader(s.getInputStream(), StandardCharsets.UTF_8));
                    PrintWriter out = new PrintWriter(s.getOutputStream(), true, StandardCharsets.UTF_8);
                    String presented = in.readLine();
                    String line = in.readLine();
                    if (presented == null || line == null
                            || !MessageDigest.isEqual(presented.getBytes(StandardCharsets.UTF_8), token.getBytes(StandardCharsets.UTF_8))) {
                        out.println("ERROR not allowed");
                        continue;
                    }
                    try {
                        out.print(execute(Arrays.asList(line.trim().split("\\s+"))));
                        out.println("OK");
                    } catch (RuntimeException e) {
                        out.println("ERROR " + e.getMessage());
                    }
                } catch (IOException e) {
                    // one broken client does not stop the daemon
                }
            }
        } finally {
            cluster.close();
            CliState.delete();
        }
    }

    private String execute(List<String> words) {
        String command = words.get(0);
        switch (command) {
            case "status":
                return cluster.status();
            case "env":
                return env();
            case "events":
                StringBuilder s = new StringBuilder();
                cluster.events().forEach(e -> s.append(e).append('\n'));
                return s.toString();
            case "stop":
                stopping = true;
                cluster.close(); // before answering: the command returns when every server is gone
                return "stopped: every server, proxy and endpoint; " + cluster.directory() + " removed\n";
            case "failover":
                return cluster.failover() + "\n" + cluster.status();
            case "switchover":
                return (words.size() > 1 ? cluster.switchover(node(words)) : cluster.switchover()) + "\n" + cluster.status();
            case "crash":
                return cluster.crash(node(words)) + "\n";
            case "rejoin":
                return cluster.rejoin(node(words)) + "\n";
            case "restart":
                return cluster.restart(node(words)) + "\n";
            case "blackhole":
                return cluster.blackhole(node(words)) + "\n";
            case "cut":
                return cluster.cut(node(words)) + "\n";
            case "swallow":
            case "swallowReplies":
                return cluster.swallowReplies(node(words)) + "\n";
            case "latency":
                if (words.size() < 3) {
                    throw new IllegalArgumentException("usage: latency <node> <ms>");
                }
                return cluster.latency(node(words), Integer.parseInt(words.get(2))) + "\n";
            case "heal":
                if (words.size() > 1 && words.get(1).equals("all")) {
                    cluster.healAll();
                    return "healed every node\n";
                }
                return cluster.heal(node(words)) + "\n";
            default:
                throw new IllegalArgumentException("unknown command '" + command + "'");
        }
    }

    private PgNode node(List<String> words) {
        if (words.size() < 2) {
            throw new IllegalArgumentException("which node? one of " + cluster.nodes().stream().map(PgNode::name).toList());
        }
        return cluster.node(words.get(1));
    }

    /** Shell lines to reach the cluster with psql or a JDBC program; asked for explicitly, so it may name the password. */
    private String env() {
        return "export PGHOST=" + cluster.clusterEndpoint().host() + "\n"
                + "export PGPORT=" + cluster.clusterEndpoint().port() + "\n"
                + "export PGUSER=" + cluster.superuser() + "\n"
                + "export PGPASSWORD='" + cluster.password() + "'\n"
                + "export PGDATABASE=postgres\n"
                + "export PGSSLROOTCERT=" + cluster.tlsRootCertificate() + "\n"
                + "export TESTKIT_INSTANCE_HOST_PATTERN='" + cluster.instanceHostPattern() + "'\n"
                + "export TESTKIT_READER_ENDPOINT=" + cluster.readerEndpoint().host() + ":" + cluster.readerEndpoint().port() + "\n";
    }
}
