package dev.awsjca.plugins.hostmonitoring;

import dev.awsjca.jdbc.SqlFailures;
import dev.awsjca.topology.HostHealth;
import dev.awsjca.topology.HostSpec;

import java.lang.System.Logger.Level;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * Watches one host for all the connections to it. Every interval the shared scheduler calls {@link #tick};
 * while a statement runs on the host (for longer than the grace), a tick sends a probe if none is out, and
 * counts one miss if the last one still has not answered. A probe that answers clears the misses; one
 * that fails counts one miss (once). After {@code count} misses in a row the host is dead: the
 * connections with a statement running are aborted and the cluster monitor is told, so the writer
 * search starts at once. Because a miss is counted by the clock and not by the probe's own timeout, the
 * time to declare a host dead does not depend on pgjdbc's whole-second timeouts.
 *
 * <p>A busy host is not a dead one: a probe that has to log in first is timed apart and generously
 * ({@link MonitoringSettings#loginAllowanceMs}), a login that fails counts no miss of its own (the clock
 * counts its silence), and before the host is declared dead the connections using it are asked: a
 * statement that came back from the host within the allowed silence proves it alive.
 *
 * <p>A host declared dead is watched on: a probe now and then (or a statement that comes back) shows it is
 * back, and only then is it alive again; until then a statement on it is aborted once a probe sent after
 * the statement started has been silent for an interval. The probe connection, dropped with every failed
 * probe, is opened again while nothing waits on the host, so that the next fault meets a connection and
 * not a login (a login gets {@link MonitoringSettings#loginAllowanceMs} before its silence counts).
 */
final class HostMonitor {

    private static final System.Logger LOG = System.getLogger(HostMonitor.class.getName());
    /** How often a probe reopens a dropped probe connection, or asks a dead host, while no statement waits on it. */
    static final long REARM_INTERVAL_NANOS = TimeUnit.SECONDS.toNanos(1);

    private final HostSpec host;
    private final MonitoringSettings settings;
    private final HostHealth health;
    private final ProbeConnection probe;
    private final Executor probeThreads;
    private final Executor aborter;
    private final Consumer<HostSpec> reportDown;
    private final Consumer<HostSpec> reportSuspect;
    private final Set<WatchedConnection> watched = ConcurrentHashMap.newKeySet();
    private final HostMonitors owner;
    private volatile ScheduledFuture<?> ticks;

    // guarded by this
    private boolean probing;
    private boolean missCountedForProbe;
    private int misses;
    private boolean dead;
    private long declaredAt;
    private long lastRearm = System.nanoTime() - REARM_INTERVAL_NANOS;
    private boolean watchedAtLastTick;
    private boolean stopped;
    private String lastProbeError = "";

    HostMonitor(HostSpec host, MonitoringSettings settings, HostHealth health, ProbeConnection probe, Executor probeThreads,
                Executor aborter, Consumer<HostSpec> reportDown, Consumer<HostSpec> reportSuspect, HostMonitors owner) {
        this.host = host;
        this.settings = settings;
        this.health = health;
        this.probe = probe;
        this.probeThreads = probeThreads;
        this.aborter = aborter;
        this.reportDown = reportDown;
        this.reportSuspect = reportSuspect;
        this.owner = owner;
    }

    HostSpec host() {
        return host;
    }

    void ticking(ScheduledFuture<?> future) {
        this.ticks = future;
    }

    WatchedConnection add(Connection connection) {
        WatchedConnection w = new WatchedConnection(connection, this, settings.graceMs() > 0);
        watched.add(w);
        return w;
    }

    void remove(WatchedConnection w) {
        owner.removed(this, w);
    }

    /** Called by the owner under its lock. */
    boolean forget(WatchedConnection w) {
        watched.remove(w);
        return watched.isEmpty();
    }

    synchronized boolean isDead() {
        return dead;
    }

    /** One beat of the schedule. Never blocks: probes run on the probe threads, aborts too. */
    void tick() {
        long now = System.nanoTime();
        boolean statementRunning = false;
        long grace = settings.graceNanos();
        for (WatchedConnection w : watched) {
            if (w.runningLongerThan(grace, now)) {
                statementRunning = true;
                break;
            }
        }
        boolean declare;
        boolean abortBusy;
        boolean back;
        boolean firstMiss = false;
        synchronized (this) {
            if (stopped) {
                return;
            }
            back = dead && answeredSince(declaredAt);
            if (back) {
                dead = false; // a statement came back from it since it was declared dead
                misses = 0;
            }
            if (!statementRunning) {
                watchedAtLastTick = false;
                // nobody is waiting on the host: no probes while the probe connection is open. Without one (it was
                // dropped with a failed probe) or while the host is dead, a probe now and then opens it again, so
                // that the next fault meets an open connection and not a login, and a host that is back is seen
                if (!probing && (dead || !probe.isOpen()) && now - lastRearm >= REARM_INTERVAL_NANOS) {
                    lastRearm = now;
                    startProbe();
                }
                return;
            }
            if (!watchedAtLastTick && !dead) {
                misses = 0; // misses from an earlier watch are history, not silence
            }
            watchedAtLastTick = true;
            boolean probeWasOut = probing;
            if (probing) {
                // out since the last tick at least (ticks are an interval apart): one more interval of silence,
                // unless the probe is logging in. A login is several round trips (startup, SCRAM, settings):
                // on a slow link it takes several times a query's round trip, so it gets the allowed
                // silence as a head start before its misses count.
                long loginStarted = probe.loginStartedAt();
                if (loginStarted == 0 || now - loginStarted >= TimeUnit.MILLISECONDS.toNanos(settings.loginAllowanceMs())) {
                    firstMiss = misses == 0 && !dead;
                    missed();
                }
            } else {
                startProbe();
            }
            declare = !dead && misses >= settings.count() && !answeredWithin(now);
            if (declare) {
                dead = true;
                declaredAt = now;
            }
            // after the declaration, a statement is aborted only once a probe sent since has been silent for an
            // interval: the host may be back, and a statement on a host that is back must not be aborted
            abortBusy = declare || (dead && probeWasOut);
        }
        if (back) {
            LOG.log(Level.INFO, "host {0} answers statements again", host.endpoint());
        }
        if (firstMiss && !declare) {
            suspect(); // the cluster monitor gets ready for a writer search while the silence is confirmed
        }
        if (declare) {
            declareDead();
        }
        if (abortBusy) {
            abortBusyConnections();
        }
    }

    /**
     * Opens the probe connection as soon as the host gets its first connection, before any statement
     * waits on it, so that the first probes on the clock are single round trips, not a login.
     */
    synchronized void warmUp() {
        if (!probing && !stopped) {
            startProbe();
        }
    }

    private void startProbe() {
        probing = true;
        missCountedForProbe = false;
        try {
            probeThreads.execute(this::runProbe);
        } catch (RejectedExecutionException stopping) {
            probing = false;
        }
    }

    private void runProbe() {
        try {
            long roundTrip = probe.probe();
            answered(roundTrip);
        } catch (SQLException | RuntimeException e) {
            failed(e, probe.failedInLogin());
        }
    }

    /** A statement on one of the host's connections came back within the allowed silence: it is alive. */
    private boolean answeredWithin(long now) {
        return answeredSince(now - TimeUnit.MILLISECONDS.toNanos(settings.silenceMs()));
    }

    private boolean answeredSince(long since) {
        for (WatchedConnection w : watched) {
            if (w.answeredSince(since)) {
                return true;
            }
        }
        return false;
    }

    private void answered(long roundTripNanos) {
        boolean wasDead;
        synchronized (this) {
            probing = false;
            misses = 0;
            wasDead = dead;
            dead = false;
        }
        health.probeSucceeded(roundTripNanos);
        if (wasDead) {
            LOG.log(Level.INFO, "host {0} answers monitoring probes again", host.endpoint());
        }
    }

    private void failed(Exception e, boolean duringLogin) {
        boolean declare;
        long now = System.nanoTime();
        synchronized (this) {
            probing = false;
            lastProbeError = (duringLogin ? "login: " : "") + (e instanceof SQLException sql
                    ? "SQLState " + sql.getSQLState() + " " + sql.getMessage() : e.getClass().getSimpleName());
            if (stopped) {
                return;
            }
            if (!missCountedForProbe && (!duringLogin || SqlFailures.isUnreachable(e))) {
                // a login that failed slowly (a busy server) or was refused (a password) is no miss: the clock
                // counts its silence. One the network refused (connection refused, connect timed out) is.
                missed();
            }
            declare = !dead && misses >= settings.count() && watchedAtLastTick && !answeredWithin(now);
            if (declare) {
                dead = true;
                declaredAt = now;
            }
        }
        probe.abort(); // the next probe starts on a fresh connection
        if (declare) {
            declareDead();
            abortBusyConnections();
        }
    }

    /**
     * One more interval of silence. The host's health record gets one failed observation per probe, not per
     * interval: it would otherwise call the host DOWN after {@link HostHealth#FAILURES_TO_DOWN} intervals, before
     * this monitor's own {@code failureDetectionCount}; silence makes a host DOWN when it is declared dead.
     */
    private void missed() {
        misses++;
        if (!missCountedForProbe) {
            missCountedForProbe = true;
            health.probeFailed();
        }
    }

    private void suspect() {
        try {
            reportSuspect.accept(host);
        } catch (RuntimeException e) {
            LOG.log(Level.WARNING, "could not report " + host.endpoint() + " suspect to its cluster monitor", e);
        }
    }

    private void declareDead() {
        LOG.log(Level.INFO, "host {0} declared dead: {1} probes in a row got no answer ({2} ms of silence; last probe error: {3})",
                host.endpoint(), settings.count(), settings.silenceMs(), lastProbeError());
        health.markDown();
        probe.abort(); // frees the probe thread stuck on it
        try {
            reportDown.accept(host);
        } catch (RuntimeException e) {
            LOG.log(Level.WARNING, "could not report " + host.endpoint() + " down to its cluster monitor", e);
        }
    }

    private synchronized String lastProbeError() {
        return lastProbeError.isEmpty() ? "none, no answer" : lastProbeError;
    }

    private void abortBusyConnections() {
        String because = "host " + host.endpoint() + " answered no monitoring probe for " + settings.silenceMs() + " ms ("
                + "failureDetectionCount=" + settings.count() + " x failureDetectionIntervalMs=" + settings.intervalMs()
                + ") and was declared dead";
        for (WatchedConnection w : watched) {
            if (w.isBusy()) {
                w.abort(because, aborter);
            }
        }
    }

    /** No connection uses the host any more (or the cluster is gone): no more ticks, probe connection closed. */
    void stop() {
        synchronized (this) {
            stopped = true;
        }
        ScheduledFuture<?> t = ticks;
        if (t != null) {
            t.cancel(false);
        }
        probe.close();
    }

    @Override
    public synchronized String toString() {
        return "HostMonitor[" + host.endpoint() + (dead ? ", dead" : "") + ", misses=" + misses + ", connections=" + watched.size() + "]";
    }
}
