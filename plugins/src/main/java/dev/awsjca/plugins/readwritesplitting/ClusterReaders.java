package dev.awsjca.plugins.readwritesplitting;

import dev.awsjca.jdbc.Connections;
import dev.awsjca.pipeline.AdapterThreads;
import dev.awsjca.topology.ClusterMonitor;
import dev.awsjca.topology.HostConnector;
import dev.awsjca.topology.HostHealth;
import dev.awsjca.topology.HostSpec;

import java.lang.System.Logger.Level;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The readers of one cluster as read/write splitting sees them, a service of its {@link ClusterMonitor}
 * (so its threads and connections end with the cluster's last connection, or the resource adapter):
 * one probe per reader measures round trip and replication lag every interval, and declares a reader
 * unreachable after {@code count} intervals without an answer (a blackholed reader too), aborting the
 * reader connections open on it so that a read stuck there fails at once instead of after a timeout.
 */
final class ClusterReaders implements AutoCloseable {

    private static final System.Logger LOG = System.getLogger(ClusterReaders.class.getName());
    /** Shown in pg_stat_activity for the probe connections. */
    static final String APPLICATION_NAME = "aws-advanced-jca reader probe";
    static final String THREAD_NAME = "aws-jca-reader-probe";

    // 0 while caught up; while received WAL waits to be replayed, how old the last replayed commit is
    private static final String LAG = "SELECT CASE WHEN NOT pg_catalog.pg_is_in_recovery() THEN 0"
            + " WHEN pg_catalog.pg_last_wal_receive_lsn() IS NULL"
            + " OR pg_catalog.pg_last_wal_receive_lsn() <= pg_catalog.pg_last_wal_replay_lsn() THEN 0"
            + " ELSE COALESCE((EXTRACT(EPOCH FROM pg_catalog.now() - pg_catalog.pg_last_xact_replay_timestamp()) * 1000)::bigint, 0)"
            + " END";

    private final ClusterMonitor cluster;
    private final ReaderSelector selector;
    private final HostConnector connector;
    private final long intervalMs;
    private final int count;
    private final String lagQuery;
    private final Map<String, ReaderState> states = new ConcurrentHashMap<>();
    private final Map<String, Probe> probes = new ConcurrentHashMap<>();
    private final Map<String, Set<Connection>> open = new ConcurrentHashMap<>();
    private final Set<ReadWriteSplittingPlugin> connections = ConcurrentHashMap.newKeySet();
    private final ScheduledExecutorService ticks;
    private final ExecutorService probeThreads;
    private volatile boolean closed;

    ClusterReaders(ClusterMonitor cluster, ReaderSelector selector, HostConnector connector, long intervalMs, int count) {
        this.cluster = cluster;
        this.selector = selector;
        this.connector = connector;
        this.intervalMs = intervalMs;
        this.count = count;
        // Aurora's replica_lag_in_msec is not asked here: on a reader, aurora_replica_status() asks the
        // writer (a second connection, about 1 s on a busy machine), too slow for a probe every interval
        this.lagQuery = LAG;
        AtomicInteger n = new AtomicInteger();
        this.ticks = Executors.newSingleThreadScheduledExecutor(r -> daemon(r, THREAD_NAME + " " + cluster.key()));
        this.probeThreads = Executors.newCachedThreadPool(r -> daemon(r, THREAD_NAME + "-" + n.incrementAndGet() + " " + cluster.key()));
        ticks.scheduleWithFixedDelay(this::tick, 0, intervalMs, TimeUnit.MILLISECONDS);
    }

    private static Thread daemon(Runnable r, String name) {
        return AdapterThreads.newThread(r, name); // made on an application's thread: never its class loader
    }

    ReaderState state(HostSpec reader) {
        return states.computeIfAbsent(reader.endpoint(), k -> new ReaderState(reader));
    }

    /**
     * The readers work may go to now: in the topology, reachable, not marked down by host monitoring or
     * failover, and not lagging beyond {@code maxLagMs} (null: no limit). A reader whose lag is not
     * measured yet counts as lagging when there is a limit.
     */
    List<ReaderState> usable(Long maxLagMs, String excludedEndpoint) {
        List<HostSpec> readers = cluster.topology().readers();
        List<ReaderState> result = new ArrayList<>(readers.size());
        for (HostSpec h : readers) {
            if (h.endpoint().equals(excludedEndpoint) || cluster.health(h).state() == HostHealth.State.DOWN) {
                continue;
            }
            ReaderState s = state(h);
            if (s.reachable() && (maxLagMs == null || (s.lagMs() >= 0 && s.lagMs() <= maxLagMs))) {
                result.add(s);
            }
        }
        return result;
    }

    /**
     * Picks a reader and counts the connection about to open there at once, so that connections moving to
     * readers at the same moment see each other's choices (leastConnections); the caller either registers
     * the connection ({@link #opened}) or gives the choice back ({@link #notOpened}).
     */
    synchronized ReaderState choose(Long maxLagMs, String excludedEndpoint) {
        ReaderState chosen = selector.pick(usable(maxLagMs, excludedEndpoint));
        if (chosen != null) {
            chosen.leased();
        }
        return chosen;
    }

    /** A chosen reader's connection could not be opened: it no longer counts. */
    void notOpened(ReaderState chosen) {
        chosen.returned();
    }

    /** A reader connection of a logical connection: aborted if its reader is declared unreachable. */
    void opened(HostSpec reader, Connection c) {
        open.computeIfAbsent(reader.endpoint(), k -> ConcurrentHashMap.newKeySet()).add(c);
    }

    void closed(HostSpec reader, Connection c) {
        Set<Connection> set = open.get(reader.endpoint());
        if (set != null && set.remove(c)) {
            state(reader).returned();
        }
    }

    /** A connection to this reader failed: no more work goes there until its probe answers again. */
    void unreachable(HostSpec reader) {
        state(reader).reachable(false);
    }

    /** A logical connection of this cluster: its idle reader connection is closed by the ticks. */
    void track(ReadWriteSplittingPlugin connection) {
        connections.add(connection);
    }

    void untrack(ReadWriteSplittingPlugin connection) {
        connections.remove(connection);
    }

    private void tick() {
        if (closed) {
            return;
        }
        long now = System.nanoTime();
        for (ReadWriteSplittingPlugin c : connections) {
            c.closeIfIdle(now);
        }
        for (HostSpec reader : cluster.topology().readers()) {
            probes.computeIfAbsent(reader.endpoint(), k -> new Probe(state(reader))).tick();
        }
    }

    private void declareUnreachable(ReaderState s, String why) {
        if (s.reachable()) {
            LOG.log(Level.WARNING, "reader {0} declared unreachable: {1}", s.host().endpoint(), why);
        }
        s.reachable(false);
        Set<Connection> set = open.get(s.host().endpoint());
        if (set != null) {
            for (Connection c : set) {
                probeThreads.execute(() -> Connections.abortQuietly(c)); // the read stuck on it fails now
            }
        }
    }

    /** One reader's probe: at most one query out at a time; a query still out at a tick is a miss. */
    private final class Probe {
        private final ReaderState state;
        private Connection connection; // used by one probe at a time
        private boolean running; // guarded by this
        private int misses; // guarded by this

        Probe(ReaderState state) {
            this.state = state;
        }

        void tick() {
            synchronized (this) {
                if (running) {
                    if (++misses >= count) {
                        Connection stuck = connection;
                        declareUnreachable(state, "no answer for " + misses * intervalMs + " ms");
                        probeThreads.execute(() -> Connections.abortQuietly(stuck));
                    }
                    return;
                }
                running = true;
            }
            try {
                probeThreads.execute(this::probe);
            } catch (java.util.concurrent.RejectedExecutionException closing) {
                synchronized (this) {
                    running = false;
                }
            }
        }

        private void probe() {
            try {
                if (connection == null || connection.isClosed()) {
                    connection = connector.connect(state.host());
                }
                long start = System.nanoTime();
                long rtt;
                try (Statement s = connection.createStatement()) {
                    s.execute("SELECT 1");
                    rtt = System.nanoTime() - start;
                    try (ResultSet rs = s.executeQuery(lagQuery)) {
                        rs.next();
                        state.measured(rs.getLong(1), rtt);
                    }
                }
                synchronized (this) {
                    misses = 0;
                }
                state.reachable(true);
                HostHealth health = cluster.health(state.host());
                if (health.state() != HostHealth.State.UP) {
                    // nothing else asks a reader that host monitoring declared dead: without this it stays DOWN
                    health.probeSucceeded(rtt);
                }
            } catch (SQLException | RuntimeException e) {
                Connections.abortQuietly(connection);
                connection = null;
                boolean dead;
                synchronized (this) {
                    dead = ++misses >= count;
                }
                if (dead) {
                    declareUnreachable(state, (e instanceof SQLException sql ? sql.getSQLState() + " " : "") + e.getMessage());
                }
            } finally {
                synchronized (this) {
                    running = false;
                }
                if (closed) {
                    Connections.abortQuietly(connection);
                }
            }
        }
    }

    @Override
    public void close() {
        closed = true;
        ticks.shutdownNow();
        probeThreads.shutdownNow();
        for (Probe p : probes.values()) {
            Connections.abortQuietly(p.connection);
        }
    }

    @Override
    public String toString() {
        return "ClusterReaders" + states.values();
    }
}
