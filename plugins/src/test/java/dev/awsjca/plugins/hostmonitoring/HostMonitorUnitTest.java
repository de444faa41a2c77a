package dev.awsjca.plugins.hostmonitoring;

import dev.awsjca.fakes.FakeCluster;
import dev.awsjca.topology.HostHealth;
import dev.awsjca.topology.HostSpec;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A host monitor driven tick by tick (no scheduler) against a fake node whose logins and probes can be
 * held: a busy server (slow logins, statements still answering) is not declared dead; a silent one is.
 * Probes 100 ms apart, 2 misses: 200 ms of silence.
 */
@Timeout(value = 20, unit = TimeUnit.SECONDS)
class HostMonitorUnitTest {

    private final FakeCluster fake = new FakeCluster();
    private final FakeCluster.Node node = fake.node("busy.fake", 5432);
    private final ExecutorService probeThreads = Executors.newCachedThreadPool();
    private final CountDownLatch release = new CountDownLatch(1);
    private final List<HostSpec> declared = new CopyOnWriteArrayList<>();
    private final List<HostSpec> suspected = new CopyOnWriteArrayList<>();
    private final HostHealth health = new HostHealth();
    private final HostMonitor monitor = new HostMonitor(node.host(), new MonitoringSettings(0, 100, 2), health,
            new ProbeConnection(node.host(), fake.hostConnector(), Runnable::run), probeThreads, Runnable::run,
            declared::add, suspected::add, null);

    @AfterEach
    void stop() {
        blackholed = false;
        release.countDown();
        monitor.stop();
        probeThreads.shutdownNow();
    }

    private void hold() {
        try {
            release.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Ticks every 50 ms for {@code ms}, running {@code beforeEach} first each time. */
    private void tickFor(long ms, Runnable beforeEach) throws InterruptedException {
        long end = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(ms);
        while (System.nanoTime() < end) {
            beforeEach.run();
            monitor.tick();
            Thread.sleep(50);
        }
    }

    private WatchedConnection aLongStatementRuns() throws SQLException {
        WatchedConnection w = monitor.add(fake.connect(node.host()));
        w.begin();
        return w;
    }

    @Test
    void aSlowLoginOfTheProbeIsNotSilence() throws Exception {
        aLongStatementRuns();
        node.onLogin = (n, what, app) -> hold(); // the server takes seconds to log a new session in
        tickFor(800, () -> { });
        assertFalse(monitor.isDead(), "declared dead while its probe was logging in");
        assertEquals(List.of(), declared);
    }

    @Test
    void aHostWhoseStatementsAnswerIsAliveWhateverItsProbeSays() throws Exception {
        monitor.warmUp();
        while (health.lastLatencyNanos() < 0) {
            Thread.sleep(5); // the probe connection is open and answered once
        }
        node.onQuery = (n, what, app) -> {
            if (what.equals("SELECT 1")) {
                hold(); // the probe waits (a lock, a busy CPU) ...
            }
        };
        aLongStatementRuns();
        WatchedConnection quick = monitor.add(fake.connect(node.host()));
        tickFor(800, () -> {
            quick.begin(); // ... while short statements on the application's connections come back
            quick.answered();
            quick.end();
        });
        assertFalse(monitor.isDead(), "declared dead while its statements answered");
    }

    private volatile boolean blackholed;

    /**
     * Logins and probes get no answer while the host is blackholed (a login fails after 300 ms, standing for
     * the probe connection's socket timeout); a probe waiting for its answer fails at once when the host is declared
     * dead, as the real probe does when the declaration aborts its connection.
     */
    private void blackholeUntilHealed() {
        node.onLogin = (n, what, app) -> {
            long end = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(300); // the probe's socket timeout
            while (blackholed) {
                if (System.nanoTime() > end) {
                    throw new SQLException("The connection attempt failed.", "08001", new java.net.SocketTimeoutException("Read timed out"));
                }
                waitWhileBlackholed(Integer.MAX_VALUE, 5);
            }
        };
        node.onQuery = (n, what, app) -> {
            if (what.equals("SELECT 1") && !waitWhileBlackholed(declared.size(), Long.MAX_VALUE)) {
                throw new SQLException("An I/O error occurred while sending to the backend.", "08006");
            }
        };
        blackholed = true;
    }

    /** False when the host was declared dead (again) while waiting. */
    private boolean waitWhileBlackholed(int declarations, long atMostMs) {
        long end = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(Math.min(atMostMs, 60_000));
        while (blackholed && System.nanoTime() < end) {
            if (declared.size() > declarations) {
                return false;
            }
            try {
                Thread.sleep(5);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return true;
            }
        }
        return true;
    }

    private void declaredDeadOnce() throws Exception {
        monitor.warmUp();
        while (health.lastLatencyNanos() < 0) {
            Thread.sleep(5);
        }
        WatchedConnection stuck = monitor.add(fake.connect(node.host())); // logged in before the fault
        blackholeUntilHealed();
        stuck.begin();
        tickFor(500, () -> { });
        assertEquals(List.of(node.host()), declared);
        stuck.end(); // aborted: the application moved on to another host
        monitor.forget(stuck);
        tickFor(400, () -> { }); // the fault outlasts the login of the last probe
    }

    /**
     * A host declared dead that answers again is alive: a statement running on it after it is back is not
     * aborted. (Before: the monitor stayed "dead" until a probe answered, and the first tick that saw a
     * statement running aborted it.)
     */
    @Test
    void aHostThatIsBackIsNotAbortedAgain() throws Exception {
        declaredDeadOnce();
        blackholed = false; // healed
        tickFor(300, () -> { }); // nothing runs on it for a while
        Connection physical = fake.connect(node.host());
        WatchedConnection after = monitor.add(physical);
        after.begin();
        tickFor(500, () -> { });
        assertFalse(physical.isClosed(), "a statement on the host that is back was aborted");
        assertFalse(monitor.isDead());
        after.end();
    }

    /**
     * A host that came back is watched as before: the next blackhole is detected within the allowed silence.
     * (Before: the probe connection dropped at the declaration was opened again only by the next probe, whose
     * login the blackhole held, and a login is allowed 10 s.)
     */
    @Test
    void aHostThatCameBackIsDetectedAgainWithinTheSilence() throws Exception {
        declaredDeadOnce();
        blackholed = false;
        tickFor(1200, () -> { }); // nothing runs on it: the monitor's own probe (once a second) sees it back
        WatchedConnection second = monitor.add(fake.connect(node.host()));
        blackholeUntilHealed();
        long start = System.nanoTime();
        second.begin();
        while (declared.size() < 2 && System.nanoTime() - start < TimeUnit.SECONDS.toNanos(3)) {
            monitor.tick();
            Thread.sleep(50);
        }
        long ms = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
        assertEquals(2, declared.size(), "the second blackhole was not declared within 3 s");
        assertTrue(ms < 1000, "declared after " + ms + " ms; 200 ms of silence allowed");
    }

    @Test
    void aSilentHostIsDeclaredDead() throws Exception {
        monitor.warmUp();
        while (health.lastLatencyNanos() < 0) {
            Thread.sleep(5);
        }
        node.onQuery = (n, what, app) -> {
            if (what.equals("SELECT 1")) {
                hold(); // blackholed: nothing comes back
            }
        };
        aLongStatementRuns();
        tickFor(800, () -> { });
        assertTrue(monitor.isDead());
        assertEquals(List.of(node.host()), declared);
        assertEquals(HostHealth.State.DOWN, health.state());
    }

    /**
     * One health model, one threshold: silence makes a host DOWN when this monitor declares it dead (after its
     * failureDetectionCount), not earlier. (Before: every interval of silence was a failed observation of the
     * host's health record, which calls a host DOWN after 3, so validation failed the host's connections after
     * 3 intervals whatever the count.)
     */
    @Test
    void silenceMakesAHostDownOnlyWhenItIsDeclaredDead() throws Exception {
        HostHealth fiveHealth = new HostHealth();
        HostMonitor five = new HostMonitor(node.host(), new MonitoringSettings(0, 100, 5), fiveHealth,
                new ProbeConnection(node.host(), fake.hostConnector(), Runnable::run), probeThreads, Runnable::run,
                declared::add, suspected::add, null);
        try {
            five.warmUp();
            while (fiveHealth.lastLatencyNanos() < 0) {
                Thread.sleep(5);
            }
            WatchedConnection stuck = five.add(fake.connect(node.host()));
            blackholeUntilHealed();
            stuck.begin();
            five.tick(); // the probe goes out
            for (int miss = 1; miss <= 4; miss++) {
                five.tick();
                assertNotEquals(HostHealth.State.DOWN, fiveHealth.state(), "DOWN after " + miss + " intervals of silence");
                // the first interval of silence has the cluster monitor log in to the other nodes, once
                assertEquals(List.of(node.host()), suspected);
            }
            five.tick();
            assertEquals(HostHealth.State.DOWN, fiveHealth.state());
            assertEquals(List.of(node.host()), declared);
        } finally {
            five.stop();
        }
    }
}
