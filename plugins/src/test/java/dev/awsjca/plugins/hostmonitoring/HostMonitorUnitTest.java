package dev.awsjca.plugins.hostmonitoring;

import dev.awsjca.fakes.FakeCluster;
import dev.awsjca.topology.HostHealth;
import dev.awsjca.topology.HostSpec;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.sql.SQLException;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
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
    private final HostHealth health = new HostHealth();
    private final HostMonitor monitor = new HostMonitor(node.host(), new MonitoringSettings(0, 100, 2), health,
            new ProbeConnection(node.host(), fake.hostConnector(), Runnable::run), probeThreads, Runnable::run,
            declared::add, null);

    @AfterEach
    void stop() {
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
}
