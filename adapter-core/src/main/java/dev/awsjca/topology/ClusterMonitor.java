package dev.awsjca.topology;

import dev.awsjca.jdbc.Connections;
import dev.awsjca.metrics.ClusterMetrics;
import dev.awsjca.pipeline.AdapterThreads;

import java.lang.System.Logger.Level;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArraySet;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;

import dev.awsjca.jdbc.SqlFailures;

/**
 * One per cluster, shared by all its connections: the topology as last seen, and the search for the
 * writer when it is lost. While the writer is known its node is asked every {@code refreshMs}; while it
 * is not, every node is asked every 50 ms, each by a probe of its own so that a node that hangs
 * (blackholed) does not hold up the others. A writer counts as found only when the adapter itself
 * reached it and it said it takes writes.
 *
 * <p>Every probe is stamped with a generation when it starts; only knowledge newer than what the topology
 * was made from changes it, and a writer search ends only on a probe started after the search began: a
 * probe of the old writer that answered before its demotion and returns late cannot put it back.
 *
 * <p>The monitor holds no credentials: its probes connect through one of the cluster's open connections
 * (the newest that joined, see {@link #addMember}), so a password rotated or a connection closed is never
 * held here. A probe that fails to log in (wrong password, locked role) says nothing of the host's health.
 */
public final class ClusterMonitor implements AutoCloseable {

    private static final System.Logger LOG = System.getLogger(ClusterMonitor.class.getName());
    static final long SEARCH_POLL_MS = 50;
    // after a new writer is found, replicas re-attach to it over the next seconds: look again meanwhile
    static final long SETTLE_POLL_MS = 500;
    static final long SETTLE_NANOS = TimeUnit.SECONDS.toNanos(5);

    private final String key;
    private final Dialect dialect;
    private final TopologyEndpoints endpoints;
    private final HostConnector connector; // null: through the members
    private final java.util.Deque<Member> members = new java.util.concurrent.ConcurrentLinkedDeque<>();
    private final long refreshMs;
    private final Object lock = new Object();
    private final Set<Consumer<Topology>> listeners = new CopyOnWriteArraySet<>();
    private final Map<String, Probe> probes = new ConcurrentHashMap<>();
    private final Map<String, HostHealth> health = new ConcurrentHashMap<>();
    private final Map<String, AutoCloseable> services = new ConcurrentHashMap<>();
    // hosts a replica named during a search that the last topology lacked (a node that joined after the
    // last refresh, possibly the new writer): probed too until the writer is found
    private final Map<String, HostSpec> namedByReplicas = new ConcurrentHashMap<>();
    // every host any topology held: a node that left it (crashed) and came back since the last refresh is
    // often the next one promoted, and the search asks it directly instead of waiting for a replica's hint
    private final Map<String, HostSpec> everSeen = new ConcurrentHashMap<>();
    private final ExecutorService probeThreads;
    private final Thread loop;
    private final AtomicInteger connections = new AtomicInteger();
    private volatile Topology topology = new Topology(List.of());
    private volatile boolean closed;
    // what the monitor sees goes to its registry's metrics (JMX and the configured outputs)
    private volatile ClusterMetrics metrics;
    // guarded by lock
    private boolean searching;
    private long writerEpoch;
    private long settleUntil = System.nanoTime() + SETTLE_NANOS;
    private long knowledgeGeneration; // of the probe the topology was last made from
    private SQLException refusedLogin; // the last login a node refused to a probe (the database dropped, say)
    private long refusedGeneration; // of that probe
    private long searchGeneration; // the last probe started before the running search began
    private final AtomicLong generations = new AtomicLong();

    /** Opens a connection to a host through one of the cluster's open connections (its credentials, its plugins). */
    @FunctionalInterface
    public interface MemberConnector {
        Connection connect(HostSpec host, Map<String, String> driverProperties) throws SQLException;
    }

    private record Member(Object owner, MemberConnector connector) {
    }

    /**
     * A monitor whose probes connect through its members ({@link #addMember}), with these driver properties;
     * it outlives its last user by {@code disposalMs} ({@link ClusterRegistry#release}).
     */
    public ClusterMonitor(String key, Dialect dialect, TopologyEndpoints endpoints, Map<String, String> probeProperties,
                          long refreshMs, long disposalMs) {
        this(key, dialect, endpoints, null, refreshMs, probeProperties);
        this.disposalMs = disposalMs;
    }

    private long disposalMs;

    /** How long the monitor keeps running after its last user left (monitorDisposalTimeMs). */
    public long disposalMs() {
        return disposalMs;
    }

    /** A monitor whose probes connect with {@code connector} (tests). */
    public ClusterMonitor(String key, Dialect dialect, TopologyEndpoints endpoints, HostConnector connector, long refreshMs) {
        this(key, dialect, endpoints, connector, refreshMs, Map.of());
    }

    private final Map<String, String> probeProperties;

    private ClusterMonitor(String key, Dialect dialect, TopologyEndpoints endpoints, HostConnector connector, long refreshMs,
                           Map<String, String> probeProperties) {
        this.key = key;
        this.dialect = dialect;
        this.endpoints = endpoints;
        this.connector = connector;
        this.probeProperties = Map.copyOf(probeProperties);
        this.refreshMs = refreshMs;
        AtomicInteger n = new AtomicInteger();
        this.probeThreads = Executors.newCachedThreadPool(r -> daemon(r, "aws-jca-probe-" + n.incrementAndGet() + " " + key));
        this.loop = daemon(this::run, "aws-jca-topology " + key);
    }

    private static Thread daemon(Runnable r, String name) {
        return AdapterThreads.newThread(r, name); // never the application's class loader (it may be a request thread)
    }

    void start() {
        loop.start();
    }

    /** Where this monitor records what it sees; set by its registry before it starts. */
    public void recordTo(ClusterMetrics clusterMetrics) {
        this.metrics = clusterMetrics;
    }

    private ClusterMetrics metrics() {
        ClusterMetrics m = metrics;
        if (m == null) {
            m = ClusterMetrics.detached(key);
            metrics = m;
        }
        return m;
    }

    public String key() {
        return key;
    }

    /**
     * An open connection of the cluster offers its way of connecting (credentials, IAM, secrets) for the
     * monitors' probes, until {@link #removeMember}. The newest member is used. Returns true when the
     * monitor had no member: it did not probe meanwhile (it lingered), and its topology may be stale.
     */
    public boolean addMember(Object owner, MemberConnector memberConnector) {
        boolean idle;
        synchronized (members) {
            members.removeIf(m -> m.owner() == owner);
            idle = members.isEmpty();
            members.addFirst(new Member(owner, memberConnector));
        }
        synchronized (lock) {
            lock.notifyAll(); // a lingering monitor probes again at once
        }
        return idle && connector == null;
    }

    public void removeMember(Object owner) {
        members.removeIf(m -> m.owner() == owner);
    }

    /**
     * Connects with {@code driverProperties} through the newest open connection of the cluster (or the
     * connector this monitor was made with). Fails with 08003 when no connection of the cluster is open.
     */
    public HostConnector connector(Map<String, String> driverProperties) {
        return host -> {
            if (connector != null) {
                return connector.connect(host);
            }
            Member m = members.peekFirst();
            if (m == null) {
                throw new SQLException("no connection of cluster " + key + " is open to connect through", "08003");
            }
            return m.connector().connect(host, driverProperties);
        };
    }

    public Dialect dialect() {
        return dialect;
    }

    public TopologyEndpoints endpoints() {
        return endpoints;
    }

    public Topology topology() {
        return topology;
    }

    /** The health record of a host (made on first use). */
    public HostHealth health(HostSpec host) {
        return health.computeIfAbsent(host.endpoint(), k -> new HostHealth(nanos -> metrics().hostDown(host, nanos)));
    }

    /** Every host's health record, by endpoint (a live, read-only view). */
    public Map<String, HostHealth> hostHealth() {
        return Collections.unmodifiableMap(health);
    }

    /**
     * A service shared by the cluster's connections (e.g. the host monitors of the hostMonitoring plugin):
     * made on first use under {@code name}, closed when this monitor closes, so its threads and
     * connections end with the last user of the cluster (and with the resource adapter's stop).
     *
     * @throws IllegalStateException when the monitor is closed
     */
    public <S extends AutoCloseable> S service(String name, Class<S> type, java.util.function.Supplier<S> factory) {
        if (closed) {
            throw new IllegalStateException("cluster monitor " + key + " is closed");
        }
        AutoCloseable service = services.computeIfAbsent(name, k -> factory.get());
        if (closed && services.remove(name, service)) {
            closeQuietly(service); // close() ran meanwhile and may have missed it
            throw new IllegalStateException("cluster monitor " + key + " is closed");
        }
        return type.cast(service);
    }

    private static void closeQuietly(AutoCloseable service) {
        try {
            service.close();
        } catch (Exception e) {
            LOG.log(Level.WARNING, "a cluster service failed to close", e);
        }
    }

    /** Called with the new topology whenever the writer or the set of hosts changes. */
    public void addListener(Consumer<Topology> listener) {
        listeners.add(listener);
        connections.incrementAndGet();
    }

    public void removeListener(Consumer<Topology> listener) {
        if (listeners.remove(listener)) {
            connections.decrementAndGet();
        }
    }

    /** Reads the topology through a connection the caller holds (its first connection to the cluster). */
    public Topology refreshFrom(Connection connection, HostSpec connectedTo) throws SQLException {
        long generation = generations.incrementAndGet();
        List<HostSpec> hosts = dialect.discoversHosts() ? dialect.topology(connection, endpoints)
                : withRoles(connectedTo, dialect.isWriter(connection));
        if (!hosts.isEmpty() && hosts.stream().anyMatch(h -> h.role() == HostRole.WRITER)) {
            update(hosts, false, generation);
        }
        return topology;
    }

    /**
     * The writer, once one is found that is not {@code failed} or that was confirmed again after this
     * call; null if none by the deadline. Starts the search if it is not running.
     *
     * @throws SQLException when a probe made after this call was refused its login ({@link
     *         SqlFailures#isLoginRefused}): the nodes answer, and no writer will take this login
     */
    public HostSpec awaitWriter(HostSpec failed, long deadlineNanos) throws InterruptedException, SQLException {
        synchronized (lock) {
            HostSpec writer = topology.writer().orElse(null);
            if (!searching && writer != null && (failed == null || !writer.endpoint().equals(failed.endpoint()))) {
                return writer;
            }
            long asked = generations.get(); // a probe that started before this call cannot answer it
            String why = failed == null ? "writer unknown" : "connection to " + failed.endpoint() + " failed";
            while (true) {
                writer = topology.writer().orElse(null);
                if (!searching && writer != null && knowledgeGeneration > asked) {
                    return writer;
                }
                if (refusedLogin != null && refusedGeneration > asked) {
                    // the nodes answer and refuse the login: no writer will take it however long we wait
                    throw new SQLException("The writer search of cluster " + key + " stopped: " + refusedLogin.getMessage(),
                            refusedLogin.getSQLState(), refusedLogin);
                }
                startSearchLocked(why);
                long left = deadlineNanos - System.nanoTime();
                if (left <= 0 || closed) {
                    return null;
                }
                TimeUnit.NANOSECONDS.timedWait(lock, left);
            }
        }
    }

    /**
     * A connection to the host failed (a failover's connect, a demoted node): one failed observation of its
     * health ({@link HostHealth#FAILURES_TO_DOWN}); if it was the writer, look for the writer.
     */
    public void reportDown(HostSpec host) {
        health(host).probeFailed();
        lookForWriterIfItWas(host, host.endpoint() + " failed");
    }

    /** Host monitoring declared the host dead (after its own failureDetectionCount): DOWN now, and look. */
    public void declareDead(HostSpec host) {
        health(host).markDown();
        lookForWriterIfItWas(host, host.endpoint() + " declared dead");
    }

    private void lookForWriterIfItWas(HostSpec host, String why) {
        synchronized (lock) {
            if (topology.writer().map(w -> w.endpoint().equals(host.endpoint())).orElse(true)) {
                startSearchLocked(why);
            }
        }
    }

    private void startSearchLocked(String why) {
        if (!searching) {
            searching = true;
            searchGeneration = generations.get();
            metrics().writerSearchStarted();
            LOG.log(Level.INFO, "cluster {0}: looking for the writer ({1})", key, why);
            lock.notifyAll();
        }
    }

    private void run() {
        try {
            while (!closed) {
                boolean wasSearching;
                synchronized (lock) {
                    wasSearching = searching;
                }
                probeRound(wasSearching);
                synchronized (lock) {
                    if (closed) {
                        break;
                    }
                    if (searching == wasSearching) {
                        boolean settling = System.nanoTime() - settleUntil < 0;
                        lock.wait(searching ? SEARCH_POLL_MS : settling ? Math.min(SETTLE_POLL_MS, refreshMs) : refreshMs);
                    }
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Starts a probe of each host to ask; probes still running from the last round are left alone. */
    private void probeRound(boolean searchingNow) {
        if (connector == null && members.isEmpty()) {
            return; // no connection of the cluster is open (the monitor lingers): nobody to probe for, or through
        }
        List<HostSpec> targets = new ArrayList<>();
        Topology current = topology;
        if (!searchingNow && dialect.discoversHosts() && current.writer().isPresent()) {
            targets.add(current.writer().get()); // the writer knows the whole topology
        } else {
            Map<String, HostSpec> all = new LinkedHashMap<>();
            current.hosts().forEach(h -> all.put(h.endpoint(), h));
            if (searchingNow) {
                everSeen.values().forEach(h -> all.putIfAbsent(h.endpoint(), h));
                namedByReplicas.values().forEach(h -> all.putIfAbsent(h.endpoint(), h));
            }
            if (!dialect.discoversHosts() || all.isEmpty()) {
                endpoints.urlHosts().forEach(h -> all.putIfAbsent(h.endpoint(), h));
            }
            targets.addAll(all.values());
        }
        for (HostSpec host : targets) {
            Probe probe = probes.computeIfAbsent(host.endpoint(), k -> new Probe(host));
            if (probe.start()) {
                try {
                    probeThreads.execute(probe);
                } catch (java.util.concurrent.RejectedExecutionException stopped) {
                    return;
                }
            }
        }
    }

    private List<HostSpec> withRoles(HostSpec writer, boolean isWriter) {
        List<HostSpec> hosts = new ArrayList<>();
        for (HostSpec h : endpoints.urlHosts()) {
            boolean theWriter = isWriter && h.endpoint().equals(writer.endpoint());
            hosts.add(h.withRole(theWriter ? HostRole.WRITER : HostRole.READER));
        }
        return hosts;
    }

    /**
     * While searching, a replica's view of the cluster may hold a node the last topology lacked (one that
     * rejoined after the last refresh and was then promoted): without this, the search would never ask
     * it, and every failover would wait out failoverTimeoutMs. What the replica says is only a hint: the
     * node counts as the writer once its own probe says so.
     */
    private void learnHostsFrom(List<HostSpec> seenByReplica) {
        Topology current = topology;
        for (HostSpec h : seenByReplica) {
            if (current.hosts().stream().noneMatch(k -> k.endpoint().equals(h.endpoint()))
                    && namedByReplicas.putIfAbsent(h.endpoint(), h.withRole(HostRole.UNKNOWN)) == null) {
                LOG.log(Level.INFO, "cluster {0}: a replica names {1}, not in the last topology: probing it too", key, h.endpoint());
            }
        }
    }

    /** A probe found a writer (or, for self-managed clusters, a node's role): record it, tell everyone. */
    private void update(List<HostSpec> hosts, boolean confirmedWriter, long generation) {
        Topology next = new Topology(hosts);
        hosts.forEach(h -> everSeen.put(h.endpoint(), h.withRole(HostRole.UNKNOWN)));
        Topology previous;
        synchronized (lock) {
            if (generation < knowledgeGeneration || (searching && generation <= searchGeneration)) {
                return; // older than what is known, or than the search: a late answer
            }
            knowledgeGeneration = generation;
            previous = topology;
            topology = next;
            if (confirmedWriter && searching) {
                searching = false;
                namedByReplicas.clear(); // the writer's topology has them now
                writerEpoch++;
                settleUntil = System.nanoTime() + SETTLE_NANOS;
                metrics().writerFound();
                LOG.log(Level.INFO, "cluster {0}: writer is {1}", key, next.writer().map(HostSpec::endpoint).orElse("?"));
            }
            lock.notifyAll();
        }
        if (!sameTopology(previous, next)) {
            metrics().topologyChanged(previous, next);
            for (Consumer<Topology> listener : listeners) {
                try {
                    listener.accept(next);
                } catch (RuntimeException e) {
                    LOG.log(Level.WARNING, "a topology listener failed", e);
                }
            }
        }
    }

    private static boolean sameTopology(Topology a, Topology b) {
        return Objects.equals(a.writer().map(HostSpec::endpoint), b.writer().map(HostSpec::endpoint))
                && a.hosts().size() == b.hosts().size()
                && a.hosts().stream().map(HostSpec::endpoint).toList().containsAll(b.hosts().stream().map(HostSpec::endpoint).toList());
    }

    /** Asks one node, on a connection of its own kept between rounds. */
    private final class Probe implements Runnable {
        private final HostSpec host;
        private boolean running; // guarded by this
        private Connection connection; // only the probe's own thread touches it

        Probe(HostSpec host) {
            this.host = host;
        }

        synchronized boolean start() {
            if (running || closed) {
                return false;
            }
            running = true;
            return true;
        }

        @Override
        public void run() {
            long generation = generations.incrementAndGet();
            boolean loggingIn = false;
            long loginStart = 0;
            try {
                if (connection == null) {
                    loggingIn = true;
                    loginStart = System.nanoTime();
                    connection = connector(probeProperties).connect(host);
                    loggingIn = false;
                }
                long start = System.nanoTime(); // the round trip of the query, not of a login
                boolean writer = dialect.isWriter(connection);
                health(host).probeSucceeded(System.nanoTime() - start);
                lastFailure = null;
                if (dialect.discoversHosts()) {
                    if (writer) {
                        List<HostSpec> hosts = dialect.topology(connection, endpoints);
                        if (hosts.stream().anyMatch(h -> h.role() == HostRole.WRITER)) {
                            update(hosts, true, generation);
                        }
                    } else if (isCurrentWriter(generation)) {
                        writerDemoted(); // the writer we knew was demoted: look for the new one
                    } else if (isSearchingForWriter()) {
                        learnHostsFrom(dialect.topology(connection, endpoints));
                    }
                } else if (writer) {
                    update(withRoles(host, true), true, generation);
                } else if (isCurrentWriter(generation)) {
                    writerDemoted();
                }
            } catch (SQLException | RuntimeException e) {
                closeConnection();
                if (closed) {
                    return; // the monitor is stopping: its own probes fail, the host did not
                }
                logFailure(e, loggingIn);
                if (e instanceof SQLException sql && SqlFailures.isLoginRefused(sql)) {
                    synchronized (lock) { // says nothing of the host, and ends a writer search: see awaitWriter
                        refusedLogin = sql;
                        refusedGeneration = generation;
                        lock.notifyAll();
                    }
                    return;
                }
                if (e instanceof SQLException sql && "08003".equals(sql.getSQLState())) {
                    return; // no connection to probe through says nothing of the host
                }
                if (loggingIn && SqlFailures.isSlowLogin(e, TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - loginStart))) {
                    // a login accepted and then slow is a busy server (its open connections may answer in
                    // milliseconds), not a lost one: the next round logs in again. Host monitoring and the
                    // statements themselves judge a host that stops answering (issue 12, defect 17)
                    return;
                }
                health(host).probeFailed();
                if (isCurrentWriter(generation)) {
                    synchronized (lock) {
                        // one failed probe is a reason to look (fast polling finds the same writer again if it
                        // only was slow), not to call the writer DOWN: that takes FAILURES_TO_DOWN in a row
                        startSearchLocked("a probe of the writer " + host.endpoint() + " failed");
                    }
                }
            } finally {
                synchronized (this) {
                    running = false;
                }
                if (closed) {
                    closeConnection();
                }
            }
        }

        private volatile String lastFailure;

        /** Once per kind of failure in a row at WARNING, with its SQLState and message (pgjdbc puts no secret there). */
        private void logFailure(Exception e, boolean loggingIn) {
            String what = (e instanceof SQLException sql ? "SQLState " + sql.getSQLState() + ": " : e.getClass().getSimpleName() + ": ")
                    + e.getMessage();
            Level level = what.equals(lastFailure) ? Level.DEBUG : Level.WARNING;
            lastFailure = what;
            LOG.log(level, "cluster {0}: topology probe of {1} failed {2}({3})", key, host.endpoint(),
                    loggingIn ? "to log in " : "", what);
        }

        private void writerDemoted() {
            synchronized (lock) {
                startSearchLocked("the writer " + host.endpoint() + " says it is not the writer");
            }
        }

        /** Whether the host is the writer, as known from probes no newer than this one. */
        private boolean isCurrentWriter(long generation) {
            synchronized (lock) {
                return generation > knowledgeGeneration
                        && topology.writer().map(w -> w.endpoint().equals(host.endpoint())).orElse(false);
            }
        }

        private void closeConnection() {
            Connection c = connection;
            connection = null;
            Connections.abortQuietly(c);
        }
    }

    /** Stops the loop and every probe; closes every connection the monitor opened. */
    @Override
    public void close() {
        synchronized (lock) {
            if (closed) {
                return;
            }
            closed = true;
            lock.notifyAll();
        }
        loop.interrupt();
        probeThreads.shutdownNow();
        try {
            loop.join(5000);
            probeThreads.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        probes.values().forEach(Probe::closeConnection);
        for (String name : List.copyOf(services.keySet())) {
            AutoCloseable service = services.remove(name);
            if (service != null) {
                closeQuietly(service);
            }
        }
    }

    public boolean isClosed() {
        return closed;
    }

    // views (the cluster's MBean in dev.awsjca.metrics, tests)

    public String getClusterKey() {
        return key;
    }

    public String getDialect() {
        return dialect.code();
    }

    public String getWriter() {
        return topology.writer().map(HostSpec::endpoint).orElse("");
    }

    public String[] getTopology() {
        return topology.hosts().stream().map(HostSpec::toString).toArray(String[]::new);
    }

    public boolean isSearchingForWriter() {
        synchronized (lock) {
            return searching;
        }
    }

    public String[] getHostHealth() {
        return health.entrySet().stream().map(e -> e.getKey() + " " + e.getValue()).sorted().toArray(String[]::new);
    }

    public int getConnections() {
        return connections.get();
    }

    @Override
    public String toString() {
        return "ClusterMonitor[" + key + ", writer=" + getWriter() + "]";
    }
}
