package dev.awsjca.topology;

import dev.awsjca.jdbc.Connections;
import dev.awsjca.jdbc.SqlFailures;

import java.lang.System.Logger.Level;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Asks one node whether it takes writes (and, if it does and the dialect discovers hosts, the topology),
 * on a connection of its own kept between rounds. One probe per node, run by {@link TopologyPoller} on a
 * thread of its own. A probe that fails to log in (wrong password, locked role) says nothing of the
 * host's health.
 */
final class TopologyProbe implements Runnable {

    // the monitor's logger: logging configurations name that category
    private static final System.Logger LOG = System.getLogger(ClusterMonitor.class.getName());

    private final HostSpec host;
    private final ClusterMonitor monitor;
    private final WriterSearch search;
    private final ProbeTargets targets;
    private final Dialect dialect;
    private final TopologyEndpoints endpoints;
    private boolean running; // guarded by this
    private volatile Connection connection; // only the probe's own thread writes it
    private volatile String lastFailure;

    TopologyProbe(HostSpec host, ClusterMonitor monitor, WriterSearch search, ProbeTargets targets) {
        this.host = host;
        this.monitor = monitor;
        this.search = search;
        this.targets = targets;
        this.dialect = monitor.dialect();
        this.endpoints = monitor.endpoints();
    }

    /** Whether the caller should run it now: false while it still runs from the last round, or when closed. */
    synchronized boolean start() {
        if (running || search.isClosed()) {
            return false;
        }
        running = true;
        return true;
    }

    @Override
    public void run() {
        long generation = search.nextGeneration();
        boolean loggingIn = false;
        long loginStart = 0;
        try {
            if (connection == null) {
                loggingIn = true;
                loginStart = System.nanoTime();
                connection = monitor.probeConnector().connect(host);
                loggingIn = false;
            }
            long start = System.nanoTime(); // the round trip of the query, not of a login
            boolean writer = dialect.isWriter(connection);
            monitor.health(host).probeSucceeded(System.nanoTime() - start);
            lastFailure = null;
            if (dialect.discoversHosts()) {
                if (writer) {
                    List<HostSpec> hosts = dialect.topology(connection, endpoints);
                    if (hosts.stream().anyMatch(h -> h.role() == HostRole.WRITER)) {
                        monitor.update(hosts, true, generation);
                    }
                } else if (search.isWriter(host, generation)) {
                    writerDemoted(); // the writer we knew was demoted: look for the new one
                } else if (search.isSearching()) {
                    List<HostSpec> seenByReplica = dialect.topology(connection, endpoints);
                    targets.learnFrom(search.topology(), seenByReplica); // the topology as it is once the replica answered
                }
            } else if (writer) {
                monitor.update(endpoints.selfManagedTopology(host, true), true, generation);
            } else if (search.isWriter(host, generation)) {
                writerDemoted();
            }
        } catch (SQLException | RuntimeException e) {
            closeConnection();
            if (search.isClosed()) {
                return; // the monitor is stopping: its own probes fail, the host did not
            }
            logFailure(e, loggingIn);
            if (e instanceof SQLException sql && SqlFailures.isLoginRefused(sql)) {
                search.loginRefused(sql, generation);
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
            monitor.health(host).probeFailed();
            if (search.isWriter(host, generation)) {
                // one failed probe is a reason to look (fast polling finds the same writer again if it
                // only was slow), not to call the writer DOWN: that takes FAILURES_TO_DOWN in a row
                search.start("a probe of the writer " + host.endpoint() + " failed");
            }
        } finally {
            synchronized (this) {
                running = false;
            }
            if (search.isClosed()) {
                closeConnection();
            }
        }
    }

    /** Once per kind of failure in a row at WARNING, with its SQLState and message (pgjdbc puts no secret there). */
    private void logFailure(Exception e, boolean loggingIn) {
        String what = (e instanceof SQLException sql ? "SQLState " + sql.getSQLState() + ": " : e.getClass().getSimpleName() + ": ")
                + e.getMessage();
        Level level = what.equals(lastFailure) ? Level.DEBUG : Level.WARNING;
        lastFailure = what;
        LOG.log(level, "cluster {0}: topology probe of {1} failed {2}({3})", monitor.key(), host.endpoint(),
                loggingIn ? "to log in " : "", what);
    }

    private void writerDemoted() {
        search.start("the writer " + host.endpoint() + " says it is not the writer");
    }

    /** Also called by the poller once the probe threads stopped: the monitor closes what it opened. */
    /** Whether its next run is one query, not a login first. */
    boolean hasConnection() {
        return connection != null;
    }

    void closeConnection() {
        Connection c = connection;
        connection = null;
        Connections.abortQuietly(c);
    }
}
