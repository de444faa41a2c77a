package dev.awsjca.testkit;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.Properties;

/**
 * One PostgreSQL server of a cluster: an Aurora "instance". Clients reach it at its instance endpoint
 * {@link #host()}:{@link #port()}, which is the node's fault proxy; the server itself listens on the same
 * loopback address at {@link #serverPort()}, used by replication and by the testkit's own admin work so
 * that an injected fault never blocks the operations that repair it.
 */
public final class PgNode {

    private final ClusterFiles files;
    private final int index;
    private final String host;
    private final int port;
    private final int serverPort;
    private final Path dataDir;
    private final Path logFile;
    private volatile boolean running;
    /** The server's postmaster, to notice a server that died on its own; null if it could not be read. */
    private volatile ProcessHandle postmaster;

    PgNode(ClusterFiles files, int index, String host, int port, int serverPort) {
        this.files = files;
        this.index = index;
        this.host = host;
        this.port = port;
        this.serverPort = serverPort;
        this.dataDir = files.dir.resolve(name());
        this.logFile = files.dir.resolve(name() + ".log");
    }

    /** A stable name for people and the command line: node1, node2, ... (node1 is the first writer). */
    public String name() {
        return "node" + index;
    }

    /**
     * The Aurora instance id, as {@code aurora_db_instance_identifier()} and {@code aurora_replica_status()}
     * report it: the last octet of the node's loopback address, so that
     * {@link PgCluster#instanceHostPattern()} maps it back to {@link #host()}.
     */
    public String instanceId() {
        return host.substring(host.lastIndexOf('.') + 1);
    }

    /** The instance endpoint's address (a loopback address of its own). */
    public String host() {
        return host;
    }

    /** The instance endpoint's port (the fault proxy). */
    public int port() {
        return port;
    }

    /** The port the server itself listens on (no fault proxy in between). */
    public int serverPort() {
        return serverPort;
    }

    public Path dataDir() {
        return dataDir;
    }

    /** The server's log (pg_ctl -l), useful when a test fails. */
    public Path logFile() {
        return logFile;
    }

    /** The last lines of the server's log, for an error message (the cluster's directory goes when it closes). */
    public String logTail(int lines) {
        try {
            List<String> all = Files.readAllLines(logFile);
            return String.join("\n", all.subList(Math.max(0, all.size() - lines), all.size()));
        } catch (IOException | java.io.UncheckedIOException e) {
            return "(" + logFile + " unreadable: " + e.getMessage() + ")";
        }
    }

    /** Started by the testkit and not stopped since, and its postmaster process is still there. */
    public boolean isRunning() {
        ProcessHandle p = postmaster;
        return running && (p == null || p.isAlive());
    }

    /** {@code jdbc:postgresql://host:port/database} through the instance endpoint (faults apply). */
    public String jdbcUrl(String database) {
        return "jdbc:postgresql://" + host + ":" + port + "/" + database;
    }

    int index() {
        return index;
    }

    /**
     * Starts the server and returns when it accepts connections. pg_ctl is not asked to wait (it looks only
     * every 100 ms): the "ready" status the postmaster writes into postmaster.pid is polled every few ms.
     */
    void start() {
        Path pidFile = dataDir.resolve("postmaster.pid");
        files.run(Duration.ofSeconds(90), "pg_ctl", "-D", dataDir.toString(), "-l", logFile.toString(), "-W",
                "-o", "-c port=" + serverPort + " -c listen_addresses=" + host + " -c cluster_name=" + instanceId()
                        + " -c testkit.endpoint_port=" + port,
                "start");
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        boolean seen = false;
        while (System.nanoTime() < deadline) {
            List<String> lines = readLines(pidFile);
            if (lines != null) {
                seen = true;
                // line 8 of postmaster.pid is the postmaster's status (PM_STATUS_READY = "ready")
                if (lines.size() >= 8 && lines.get(7).trim().equals("ready")) {
                    postmaster = parsePid(lines.get(0)).flatMap(ProcessHandle::of).orElse(null);
                    running = true;
                    return;
                }
            } else if (seen || System.nanoTime() > deadline - Duration.ofSeconds(50).toNanos()) {
                // the postmaster writes the file first thing and removes it when it exits: it has died
                break;
            }
            sleepQuietly(3);
        }
        String log = readLog();
        if (log.contains("Address already in use") || log.contains("could not bind")) {
            throw new PortTakenException(name() + ": server port " + serverPort + " was taken");
        }
        throw new TestkitException(name() + " did not start; " + logFile + ":\n" + log);
    }

    private String readLog() {
        try {
            return Files.readString(logFile);
        } catch (IOException e) {
            return "(no log: " + e.getMessage() + ")";
        }
    }

    private static java.util.Optional<Long> parsePid(String line) {
        try {
            return java.util.Optional.of(Long.parseLong(line.trim()));
        } catch (NumberFormatException e) {
            return java.util.Optional.empty();
        }
    }

    private static List<String> readLines(Path file) {
        try {
            return Files.readAllLines(file);
        } catch (IOException e) {
            return null;
        }
    }

    private static void sleepQuietly(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new TestkitException("interrupted", e);
        }
    }

    /** Clean shutdown: a writer first sends all its WAL to the replicas. */
    void stop() {
        if (isRunning()) {
            files.run(Duration.ofSeconds(60), "pg_ctl", "-D", dataDir.toString(), "-m", "fast", "-w", "-t", "50", "stop");
            running = false;
        }
    }

    /**
     * Immediate shutdown (SIGQUIT to the postmaster): no checkpoint, no goodbye to clients or replicas, like a
     * crash of the process. Signals directly and polls every few ms, because {@code pg_ctl stop} only looks
     * every 100 ms, a third of a failover.
     */
    void crash() {
        if (!isRunning()) {
            running = false; // perhaps it died on its own: nothing to stop
            return;
        }
        long pid = postmasterPid();
        java.util.Optional<ProcessHandle> postmaster = pid > 0 ? ProcessHandle.of(pid) : java.util.Optional.empty();
        if (postmaster.isEmpty()) {
            files.run(Duration.ofSeconds(60), "pg_ctl", "-D", dataDir.toString(), "-m", "immediate", "-w", "-t", "50", "stop");
            running = false;
            return;
        }
        try {
            ProcessRunner.run(java.util.List.of("kill", "-QUIT", String.valueOf(pid)), Duration.ofSeconds(10), files.dir,
                    java.util.Map.of());
        } catch (TestkitException e) {
            if (postmaster.get().isAlive()) {
                throw e;
            }
            // it ended between our look and the signal
        }
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        // the pid file goes last, once every child has exited; the process itself may linger as a zombie
        // until init reaps it, which here can take a second
        Path pidFile = dataDir.resolve("postmaster.pid");
        while (Files.exists(pidFile) && postmaster.get().isAlive()) {
            if (System.nanoTime() > deadline) {
                throw new TestkitException(name() + " (pid " + pid + ") did not stop within 60 s of SIGQUIT");
            }
            try {
                Thread.sleep(2);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new TestkitException("interrupted while crashing " + name(), e);
            }
        }
        running = false;
    }

    /** The postmaster's pid from postmaster.pid (first line), or -1 when there is none. */
    private long postmasterPid() {
        try {
            java.util.List<String> lines = Files.readAllLines(dataDir.resolve("postmaster.pid"));
            return lines.isEmpty() ? -1 : Long.parseLong(lines.get(0).trim());
        } catch (IOException | NumberFormatException e) {
            return -1;
        }
    }

    /** libpq connection string for a replica streaming from this node; the password comes from the passfile. */
    String replicationSource(PgNode replica) {
        return "host=" + host + " port=" + serverPort + " user=" + files.superuser + " passfile=" + files.passfile
                + " application_name=" + replica.instanceId() + " sslmode=disable connect_timeout=2";
    }

    /** Makes this (stopped) node's data directory a standby of {@code upstream}. */
    void configureAsReplicaOf(PgNode upstream) {
        try {
            Files.deleteIfExists(dataDir.resolve("standby.signal"));
        } catch (IOException e) {
            throw new TestkitException("could not reset " + dataDir + ": " + e.getMessage(), e);
        }
        files.write(dataDir.resolve("standby.signal"), "");
        files.write(dataDir.resolve("postgresql.auto.conf"), autoConf(upstream, false));
    }

    /**
     * The settings that differ by role; postgresql.auto.conf holds them because ALTER SYSTEM (used to
     * re-point a running replica) writes there, and because pg_rewind copies it from another node and it
     * must then be rewritten.
     */
    String autoConf(PgNode upstream, boolean synchronousReplication) {
        StringBuilder conf = new StringBuilder("# written by the testkit\n");
        if (upstream != null) {
            conf.append("primary_conninfo = '").append(upstream.replicationSource(this)).append("'\n");
        }
        conf.append("synchronous_standby_names = '").append(synchronousReplication ? "ANY 1 (*)" : "").append("'\n");
        return conf.toString();
    }

    /** A superuser connection straight to the server (no fault proxy), for the testkit's own work. */
    public Connection connectDirect(String database) throws SQLException {
        Properties props = new Properties();
        props.setProperty("user", files.superuser);
        props.setProperty("password", files.password());
        props.setProperty("sslmode", "disable");
        props.setProperty("connectTimeout", "5");
        props.setProperty("socketTimeout", "60");
        props.setProperty("ApplicationName", "testkit-admin");
        return DriverManager.getConnection("jdbc:postgresql://" + host + ":" + serverPort + "/" + database, props);
    }

    /** Runs statements as superuser in {@code database}, straight to the server. */
    public void execute(String database, String... sql) {
        try (Connection c = connectDirect(database); Statement s = c.createStatement()) {
            for (String statement : sql) {
                s.execute(statement);
            }
        } catch (SQLException e) {
            throw new TestkitException(name() + ": " + e.getMessage(), e);
        }
    }

    /** The first column of the first row of a query run as superuser in the postgres database, or null. */
    public String queryString(String sql) {
        try (Connection c = connectDirect("postgres"); Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
            return rs.next() ? rs.getString(1) : null;
        } catch (SQLException e) {
            throw new TestkitException(name() + ": " + e.getMessage(), e);
        }
    }

    @Override
    public String toString() {
        return name() + " (instance " + instanceId() + ", " + host + ":" + port + (running ? "" : ", down") + ")";
    }
}
