package dev.awsjca.testkit;

import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A local stand-in for an Aurora PostgreSQL cluster: a writer and N streaming replicas (synchronous
 * {@code ANY 1}, so no acknowledged commit is lost on failover), the Aurora topology functions, an instance
 * endpoint per node on its own loopback address (through a fault proxy), a cluster endpoint and a reader
 * endpoint that follow the topology late like DNS, and the operations a failover test needs.
 *
 * <pre>{@code
 * try (PgCluster cluster = PgCluster.builder().replicas(2).start()) {
 *     cluster.failover();
 * }
 * }</pre>
 *
 * Operations run one at a time and return when done; each is recorded as a {@link ClusterEvent}. The
 * servers run as the {@code postgres} OS user when the JVM is root. Every server and proxy is stopped by
 * {@link #close()} and, failing that, by a JVM shutdown hook.
 */
public final class PgCluster implements AutoCloseable {

    private static final System.Logger LOG = System.getLogger(PgCluster.class.getName());
    private static final AtomicInteger DATABASE_COUNTER = new AtomicInteger();
    /** System property: keep data directories and server logs after close, to look into a failed test. */
    public static final String KEEP_DATA_PROPERTY = "awsjca.testkit.keepData";
    static final boolean KEEP_DATA = Boolean.getBoolean(KEEP_DATA_PROPERTY);

    private final ClusterSpec spec;
    private final ClusterFiles files;
    private final TlsFiles tls;
    private final List<PgNode> nodes;
    private final Map<PgNode, FaultProxy> proxies = new java.util.concurrent.ConcurrentHashMap<>(); // PgNode: identity equality
    private final ScheduledExecutorService scheduler;
    private final List<ClusterEvent> events = new CopyOnWriteArrayList<>();
    private ClusterEndpoint writerEndpoint;
    private ClusterEndpoint readerEndpoint;
    private volatile PgNode writer;
    private volatile boolean closed;
    /** When the last promotion finished, and when the new writer first committed: the failover's milestones. */
    private Instant promotedAt;
    private Instant writableAt;

    PgCluster(ClusterSpec spec, ClusterFiles files, TlsFiles tls, List<PgNode> nodes) {
        this.spec = spec;
        this.files = files;
        this.tls = tls;
        this.nodes = List.copyOf(nodes);
        this.writer = nodes.get(0);
        this.scheduler = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "testkit-endpoint-lag");
            t.setDaemon(true);
            return t;
        });
    }

    public static Builder builder() {
        return new Builder();
    }

    /** Builds and starts clusters. Defaults: 2 replicas, no endpoint lag, superuser {@code postgres}, random password. */
    public static final class Builder {
        private int replicas = 2;
        private Duration endpointLag = Duration.ZERO;
        private List<String> hbaRules = List.of();
        private final Map<String, String> settings = new LinkedHashMap<>();
        private String superuser = "postgres";
        private String password;
        private TopologyFlavor flavor = TopologyFlavor.AURORA;

        private Builder() {
        }

        public Builder replicas(int replicas) {
            this.replicas = replicas;
            return this;
        }

        /** How late the cluster and reader endpoints follow a topology change (Aurora's DNS lags 5-30 s). */
        public Builder endpointLag(Duration lag) {
            this.endpointLag = Objects.requireNonNull(lag, "endpointLag");
            return this;
        }

        /** pg_hba.conf lines placed before the catch-all scram rule, e.g. an {@code ldap} rule for one user. */
        public Builder hbaRules(List<String> rules) {
            this.hbaRules = List.copyOf(rules);
            return this;
        }

        /** An extra postgresql.conf setting for every node. */
        public Builder setting(String name, String value) {
            settings.put(Objects.requireNonNull(name), Objects.requireNonNull(value));
            return this;
        }

        public Builder superuser(String name) {
            this.superuser = Objects.requireNonNull(name);
            return this;
        }

        /** The superuser's password; a random one when not set. */
        public Builder password(String password) {
            this.password = Objects.requireNonNull(password);
            return this;
        }

        /** Which managed database's topology functions the nodes answer (default Aurora). */
        public Builder flavor(TopologyFlavor flavor) {
            this.flavor = Objects.requireNonNull(flavor, "flavor");
            return this;
        }

        public ClusterSpec spec() {
            return new ClusterSpec(replicas, endpointLag, hbaRules, settings, superuser, flavor);
        }

        public PgCluster start() {
            return PgCluster.start(spec(), password);
        }
    }

    /** Starts a cluster; a random password when {@code password} is null. */
    static PgCluster start(ClusterSpec spec, String password) {
        return ClusterStart.start(spec, password == null ? Passwords.random() : password);
    }

    /** The last step of a start: the fault proxies in front of the nodes, then the endpoints. */
    void openEndpoints(List<ServerSocket> listeners, Instant started) {
        for (int i = 0; i < nodes.size(); i++) {
            PgNode node = nodes.get(i);
            proxies.put(node, new FaultProxy(node.name(), listeners.get(i), new InetSocketAddress(node.host(), node.serverPort())));
        }
        int next = nodes.size();
        List<PgNode> replicas = replicas();
        writerEndpoint = new ClusterEndpoint("cluster", listeners.get(next), spec.endpointLag(), scheduler, List.of(writer),
                proxies::get);
        readerEndpoint = new ClusterEndpoint("reader", listeners.get(next + 1), spec.endpointLag(), scheduler,
                replicas.isEmpty() ? List.of(writer) : replicas, proxies::get);
        record("start", "", started, nodes.size() + " nodes, instance endpoints " + instanceHostPattern());
    }

    // ---------------------------------------------------------------- what the cluster looks like

    public ClusterSpec spec() {
        return spec;
    }

    /** Every node, running or not, in creation order (node1 first). */
    public List<PgNode> nodes() {
        return nodes;
    }

    /** The current writer (it may be down after {@link #crash(PgNode)}, until {@link #failover()}). */
    public PgNode writer() {
        return writer;
    }

    /** The running nodes other than the writer. */
    public List<PgNode> replicas() {
        PgNode w = writer;
        return nodes.stream().filter(n -> n != w && n.isRunning()).toList();
    }

    /** A node by name ({@code node2}) or instance id ({@code 12}). */
    public PgNode node(String nameOrInstanceId) {
        for (PgNode n : nodes) {
            if (n.name().equals(nameOrInstanceId) || n.instanceId().equals(nameOrInstanceId)) {
                return n;
            }
        }
        throw new IllegalArgumentException("no node '" + nameOrInstanceId + "' in this cluster; nodes: "
                + nodes.stream().map(PgNode::name).toList());
    }

    /**
     * For {@code clusterInstanceHostPattern}: {@code 127.0.0.?:PORT}, where {@code ?} is an instance id as
     * reported by {@code aurora_replica_status()}.
     */
    public String instanceHostPattern() {
        return "127.0.0.?:" + nodes.get(0).port();
    }

    /** The cluster (writer) endpoint. */
    public ClusterEndpoint clusterEndpoint() {
        return writerEndpoint;
    }

    /** The reader endpoint: round robin over the replicas (the writer when there is none). */
    public ClusterEndpoint readerEndpoint() {
        return readerEndpoint;
    }

    public String superuser() {
        return files.superuser;
    }

    /** The superuser's password (scram-sha-256); never logged. */
    public String password() {
        return files.password();
    }

    /** The certificate every node presents; it is its own root, for {@code sslmode=verify-full&sslrootcert=...}. */
    public Path tlsRootCertificate() {
        return tls.certificate();
    }

    /** The cluster's directory (data directories, logs); removed by {@link #close()}. */
    public Path directory() {
        return files.dir;
    }

    /** {@code jdbc:postgresql://<writer host>:<port>/<database>}, through the writer's instance endpoint. */
    public String jdbcUrl(String database) {
        return writer.jdbcUrl(database);
    }

    /** Every operation so far, in order. */
    public List<ClusterEvent> events() {
        return Collections.unmodifiableList(events);
    }

    // ---------------------------------------------------------------- databases and SQL

    /** Creates a database on the writer (replicated to every node) and returns it. */
    public TestDatabase createDatabase(String name) {
        if (!name.matches("[a-z_][a-z0-9_]{0,62}")) {
            throw new IllegalArgumentException("database name must be a lower-case identifier, was '" + name + "'");
        }
        writer.execute("postgres", "CREATE DATABASE " + name);
        awaitReplication(); // usable on the replicas at once, not a few ms later
        return new TestDatabase(this, name);
    }

    /** Creates a database with a fresh name starting with {@code prefix}. */
    public TestDatabase createFreshDatabase(String prefix) {
        String clean = prefix.toLowerCase(java.util.Locale.ROOT).replaceAll("[^a-z0-9_]", "_");
        if (clean.isEmpty() || !Character.isLetter(clean.charAt(0))) {
            clean = "db_" + clean;
        }
        if (clean.length() > 40) {
            clean = clean.substring(0, 40);
        }
        return createDatabase(clean + "_" + DATABASE_COUNTER.incrementAndGet());
    }

    /**
     * Drops a database, disconnecting its sessions and rolling back its prepared transactions first (a test
     * of XA may leave some, and they would block the drop).
     */
    public void dropDatabase(String name) {
        PgNode w = writer;
        try (Connection c = w.connectDirect(name); Statement s = c.createStatement()) {
            List<String> gids = new ArrayList<>();
            try (ResultSet rs = s.executeQuery("SELECT gid FROM pg_prepared_xacts WHERE database = current_database()")) {
                while (rs.next()) {
                    gids.add(rs.getString(1));
                }
            }
            for (String gid : gids) {
                s.execute("ROLLBACK PREPARED '" + gid.replace("'", "''") + "'");
            }
        } catch (SQLException e) {
            if (!"3D000".equals(e.getSQLState())) { // invalid_catalog_name: nothing to drop
                throw new TestkitException(w.name() + ": " + e.getMessage(), e);
            }
        }
        w.execute("postgres", "DROP DATABASE IF EXISTS " + name + " WITH (FORCE)");
    }

    /**
     * Runs SQL as superuser on a node, straight to its server (faults do not apply). On the writer it
     * returns once every running replica has replayed the change too (see {@link #awaitReplication()}), so
     * a role or table made for a test is there on every node.
     */
    public void execute(PgNode node, String database, String... sql) {
        node.execute(database, sql);
        if (node == writer) {
            awaitReplication();
        }
    }

    /**
     * Waits until every running replica has replayed everything the writer wrote so far. Synchronous
     * {@code ANY 1} makes a commit durable on one replica; replay on the others is asynchronous (a few ms).
     */
    public void awaitReplication() {
        PgNode w = writer;
        if (w.isRunning()) {
            Replication.awaitReplayed(w, replicas());
        }
    }

    // ---------------------------------------------------------------- operations

    /** Stops a node at once (immediate shutdown: no checkpoint, connections dropped), like a crashed process. */
    public synchronized ClusterEvent crash(PgNode node) {
        Instant t0 = Instant.now();
        node.crash();
        if (node != writer) {
            followTopology();
        }
        return record("crash", node.name(), t0, node == writer ? "the cluster has no writer until failover()" : "");
    }

    /**
     * Restarts a node in place, keeping its role, like an instance reboot: an immediate stop, then crash
     * recovery. Replicas of a restarted writer reconnect by themselves. Returns when the node accepts
     * connections again (and, for a replica, streams again).
     */
    public synchronized ClusterEvent restart(PgNode node) {
        Instant t0 = Instant.now();
        node.crash();
        node.start();
        if (node == writer) {
            Replication.awaitStreaming(node, replicas());
        } else {
            Replication.awaitStreaming(writer, List.of(node));
            followTopology();
        }
        return record("restart", node.name(), t0, node == writer ? "writer" : "replica");
    }

    /**
     * Crashes the writer (if it still runs), promotes the most advanced replica and re-points the others
     * to it. Returns when the new writer has accepted a write, which with synchronous replication also
     * means a replica follows it.
     */
    public synchronized ClusterEvent failover() {
        Instant t0 = Instant.now();
        PgNode old = writer;
        if (nodes.stream().noneMatch(n -> n != old && n.isRunning())) {
            throw new IllegalStateException("no running replica to promote: failover needs replicas(1) or more");
        }
        old.crash();
        Instant crashed = Instant.now();
        PgNode promoted = promoteMostAdvanced(null);
        return record("failover", old.name(), t0, promoted.name() + " (instance " + promoted.instanceId() + ") promoted; crash "
                + millis(t0, crashed) + " ms, promoted " + millis(t0, promotedAt) + " ms, first write "
                + millis(t0, writableAt) + " ms");
    }

    /** A planned switchover to the most advanced replica: see {@link #switchover(PgNode)}. */
    public synchronized ClusterEvent switchover() {
        return switchover(null);
    }

    /**
     * A clean switchover: the writer shuts down cleanly (sending all its WAL first), {@code target} (or the
     * most advanced replica when null) is promoted, the others follow it, and the old writer rejoins as a
     * replica.
     */
    public synchronized ClusterEvent switchover(PgNode target) {
        Instant t0 = Instant.now();
        PgNode old = writer;
        if (target == old) {
            throw new IllegalArgumentException(target.name() + " is the writer already");
        }
        if (target != null ? !target.isRunning() : replicas().isEmpty()) {
            throw new IllegalStateException(target != null ? target.name() + " is not running"
                    : "no running replica to switch over to");
        }
        old.stop();
        PgNode promoted = promoteMostAdvanced(target);
        rejoinAsReplica(old);
        return record("switchover", old.name(), t0, promoted.name() + " promoted, " + old.name() + " rejoined as replica");
    }

    /**
     * Brings a stopped or crashed node back as a replica of the current writer, rewinding it first with
     * pg_rewind (an old writer may have WAL the new one never got).
     */
    public synchronized ClusterEvent rejoin(PgNode node) {
        Instant t0 = Instant.now();
        if (node == writer) {
            throw new IllegalStateException(node.name() + " is still the writer: run failover() before rejoining it");
        }
        if (node.isRunning()) {
            throw new IllegalStateException(node.name() + " is running: crash or stop it before rejoining it");
        }
        rejoinAsReplica(node);
        return record("rejoin", node.name(), t0, "replica of " + writer.name());
    }

    /** Holds all traffic to and from the node's instance endpoint: clients hang, nothing is reset. */
    public synchronized ClusterEvent blackhole(PgNode node) {
        Instant t0 = Instant.now();
        proxies.get(node).blackhole();
        return record("blackhole", node.name(), t0, "");
    }

    /** Delays every reply from the node's instance endpoint by {@code millis}. */
    public synchronized ClusterEvent latency(PgNode node, int millis) {
        Instant t0 = Instant.now();
        proxies.get(node).latency(millis);
        return record("latency", node.name(), t0, millis + " ms");
    }

    /** Resets every open connection to the node's instance endpoint (new ones are accepted). */
    public synchronized ClusterEvent cut(PgNode node) {
        Instant t0 = Instant.now();
        int open = proxies.get(node).openConnections();
        proxies.get(node).cut();
        return record("cut", node.name(), t0, open + " connections reset");
    }

    /** Requests still reach the node's server but its replies are dropped. */
    public synchronized ClusterEvent swallowReplies(PgNode node) {
        Instant t0 = Instant.now();
        proxies.get(node).swallowReplies();
        return record("swallowReplies", node.name(), t0, "");
    }

    /** Ends every fault on the node's instance endpoint; held traffic flows on. */
    public synchronized ClusterEvent heal(PgNode node) {
        Instant t0 = Instant.now();
        proxies.get(node).heal();
        return record("heal", node.name(), t0, "");
    }

    /** Ends every fault on every node. */
    public synchronized void healAll() {
        for (PgNode node : nodes) {
            FaultProxy p = proxies.get(node);
            if (p.fault() != Fault.NONE || p.latencyMillis() != 0) {
                heal(node);
            }
        }
    }

    /**
     * Back to healthy after a test's faults: every fault ended, every stopped or crashed node rejoined as a
     * replica of the current writer. What a test class that crashes writers runs before each test.
     */
    public synchronized void restoreHealth() {
        healAll();
        for (PgNode node : nodes) {
            if (!node.isRunning()) {
                rejoin(node);
            }
        }
    }

    /** The fault currently on a node's instance endpoint. */
    public Fault fault(PgNode node) {
        return proxies.get(node).fault();
    }

    /** True when every node runs and no fault is injected: safe to hand to another test class. */
    public boolean isHealthy() {
        if (closed) {
            return false;
        }
        for (PgNode node : nodes) {
            FaultProxy p = proxies.get(node);
            if (!node.isRunning() || p.fault() != Fault.NONE || p.latencyMillis() != 0) {
                return false;
            }
        }
        return true;
    }

    public boolean isClosed() {
        return closed;
    }

    // ---------------------------------------------------------------- how failover and rejoin work

    private PgNode promoteMostAdvanced(PgNode preferred) {
        PgNode old = writer;
        List<PgNode> candidates = nodes.stream().filter(n -> n != old && n.isRunning()).toList();
        if (candidates.isEmpty()) {
            throw new TestkitException("no running replica to promote (writer was " + old.name() + ")");
        }
        Replication.awaitReceiversStopped(candidates); // what each received is final only then
        PgNode promoted = preferred != null ? preferred : Replication.mostAdvanced(candidates);
        if (!candidates.contains(promoted)) {
            throw new IllegalArgumentException(promoted.name() + " is not a running replica");
        }
        List<PgNode> followers = candidates.stream().filter(n -> n != promoted).toList();
        // synchronous replication is set before the promotion so that no commit is acknowledged by the new
        // writer alone; with no replica left it would block every commit, so it is off until one rejoins
        Replication.synchronous(promoted, !followers.isEmpty());
        Replication.promote(promoted);
        promotedAt = Instant.now();
        writer = promoted;
        for (PgNode follower : followers) {
            Replication.repoint(follower, promoted);
        }
        Replication.awaitWritable(promoted);
        writableAt = Instant.now();
        // done when every node follows the new writer, so every node reports the same topology
        Replication.awaitStreaming(promoted, followers);
        followTopology();
        return promoted;
    }

    private void rejoinAsReplica(PgNode node) {
        PgNode w = writer;
        if (!Files.exists(node.dataDir().resolve("standby.signal"))) {
            // a former writer may hold WAL the new writer never got. A former replica needs no rewind: it
            // resumes and follows the new timeline (and pg_rewind could not recover it: single-user mode
            // refuses standby.signal)
            Replication.rewind(files, node, w);
        }
        node.configureAsReplicaOf(w);
        node.start();
        Replication.awaitStreaming(w, List.of(node));
        if (replicas().size() == 1) {
            // the first replica back: synchronous replication can be on again (see promoteMostAdvanced)
            Replication.synchronous(w, true);
        }
        followTopology();
    }

    /** Tells the endpoints the new topology; they act on it after the configured lag. */
    private void followTopology() {
        if (writerEndpoint == null) {
            return;
        }
        PgNode w = writer;
        writerEndpoint.follow(List.of(w));
        List<PgNode> readers = replicas();
        readerEndpoint.follow(readers.isEmpty() ? List.of(w) : readers);
    }

    private ClusterEvent record(String operation, String node, Instant started, String detail) {
        ClusterEvent event = new ClusterEvent(operation, node, started, Instant.now(), detail);
        events.add(event);
        LOG.log(System.Logger.Level.DEBUG, "{0}", event);
        return event;
    }

    /** A readable summary: nodes, roles, endpoints and faults. */
    public String status() {
        StringBuilder s = new StringBuilder();
        s.append("cluster ").append(files.dir).append('\n');
        s.append("  instance host pattern: ").append(instanceHostPattern()).append('\n');
        s.append("  cluster endpoint: ").append(writerEndpoint.host()).append(':').append(writerEndpoint.port())
                .append(" -> ").append(writerEndpoint.targets().stream().map(PgNode::name).toList()).append('\n');
        s.append("  reader endpoint:  ").append(readerEndpoint.host()).append(':').append(readerEndpoint.port())
                .append(" -> ").append(readerEndpoint.targets().stream().map(PgNode::name).toList()).append('\n');
        Map<String, String> replication = replicationStates();
        for (PgNode node : nodes) {
            FaultProxy p = proxies.get(node);
            String role = !node.isRunning() ? "down" : node == writer ? "writer" : "replica";
            String streaming = replication.getOrDefault(node.instanceId(), "");
            s.append(String.format("  %-6s instance %-3s %-7s %s:%d (server port %d)%s%s%s%n", node.name(), node.instanceId(), role,
                    node.host(), node.port(), node.serverPort(),
                    streaming.isEmpty() ? "" : " " + streaming,
                    p.fault() == Fault.NONE ? "" : " fault=" + p.fault(),
                    p.latencyMillis() == 0 ? "" : " latency=" + p.latencyMillis() + "ms"));
        }
        return s.toString();
    }

    /** Per replica instance id, as the writer sees it: e.g. "streaming (quorum), replay lag 0 ms". */
    private Map<String, String> replicationStates() {
        Map<String, String> states = new java.util.HashMap<>();
        PgNode w = writer;
        if (!w.isRunning()) {
            return states;
        }
        try (Connection c = w.connectDirect("postgres"); Statement st = c.createStatement();
             ResultSet rs = st.executeQuery("SELECT application_name, state, sync_state,"
                     + " round(coalesce(extract(epoch FROM replay_lag) * 1000, 0))::bigint FROM pg_stat_replication")) {
            while (rs.next()) {
                states.put(rs.getString(1), rs.getString(2) + " (" + rs.getString(3) + "), replay lag " + rs.getLong(4) + " ms");
            }
        } catch (SQLException e) {
            states.clear(); // status is for people: leave the replication column out rather than fail
        }
        return states;
    }

    @Override
    public String toString() {
        return "PgCluster[" + nodes.size() + " nodes, writer " + writer.name() + ", " + instanceHostPattern() + "]";
    }

    // ---------------------------------------------------------------- stopping

    /** Stops every server, proxy and endpoint and removes the cluster's directory. */
    @Override
    public void close() {
        synchronized (this) {
            if (closed) {
                return;
            }
            closed = true;
        }
        Instant t0 = Instant.now();
        if (writerEndpoint != null) {
            writerEndpoint.close();
            readerEndpoint.close();
        }
        proxies.values().forEach(FaultProxy::close);
        scheduler.shutdownNow();
        try {
            // the data is thrown away: an immediate stop is enough and the fastest
            Parallel.forEach(nodes, node -> {
                try {
                    node.crash();
                } catch (TestkitException e) {
                    LOG.log(System.Logger.Level.WARNING, "could not stop {0}: {1}", node.name(), e.getMessage());
                }
            });
        } finally {
            if (KEEP_DATA) {
                LOG.log(System.Logger.Level.INFO, "kept the cluster''s data and server logs in {0} ({1}=true)", files.dir,
                        KEEP_DATA_PROPERTY);
            } else {
                Directories.delete(files.dir);
            }
            RunningClusters.remove(this);
        }
        record("stop", "", t0, "");
    }

    private static long millis(Instant from, Instant to) {
        return Duration.between(from, to).toMillis();
    }
}
