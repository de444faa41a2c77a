package dev.awsjca.topology;

import dev.awsjca.fakes.FakeCluster;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.sql.SQLException;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.BooleanSupplier;
import java.util.logging.Handler;
import java.util.logging.LogRecord;
import java.util.logging.Logger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The cluster monitor's races, on fake nodes whose answers can be held and released at exact points: a
 * probe that answers late, a demotion during a probe, a probe that fails once, a login that is refused.
 * Each test waits on events (a node's next query), never on the clock.
 */
@Timeout(value = 20, unit = TimeUnit.SECONDS)
class ClusterMonitorUnitTest {

    private static final AtomicInteger CLUSTERS = new AtomicInteger();

    private final FakeCluster fake = new FakeCluster();
    private final int n = CLUSTERS.incrementAndGet();
    private final FakeCluster.Node a = fake.node("a" + n + ".fake", 5432);
    private final FakeCluster.Node b = fake.node("b" + n + ".fake", 5432);
    private final ClusterRegistry registry = new ClusterRegistry();
    private final ExecutorService threads = Executors.newCachedThreadPool();
    private ClusterMonitor monitor;

    @AfterEach
    void stop() {
        threads.shutdownNow();
        registry.close();
        assertEquals(List.of(), fake.open(), "the monitor closed every connection it opened");
    }

    /** A self-managed cluster of a (writer) and b, its topology read every 20 ms. */
    private ClusterMonitor start() throws Exception {
        a.writer = true;
        String key = "unit-" + n;
        monitor = registry.acquire(key, () -> new ClusterMonitor(key, new PostgresDialect(),
                new TopologyEndpoints(null, List.of(a.host(), b.host())), fake.hostConnector(), 20));
        await(() -> writer().equals(a.host().endpoint()));
        return monitor;
    }

    private String writer() {
        return monitor.topology().writer().map(HostSpec::endpoint).orElse("");
    }

    private static void await(BooleanSupplier condition) throws InterruptedException {
        while (!condition.getAsBoolean()) {
            Thread.sleep(2);
        }
    }

    /** Holds a's next answer to the role query (already taken: "writer") until released. */
    private CountDownLatch holdNextAnswerOfA(CountDownLatch held) {
        CountDownLatch release = new CountDownLatch(1);
        AtomicBoolean once = new AtomicBoolean();
        a.onAnswer = (node, what, app) -> {
            if (once.compareAndSet(false, true)) {
                held.countDown();
                try {
                    release.await();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
        };
        return release;
    }

    @Test
    void aLateAnswerOfTheOldWriterDoesNotPutItBack() throws Exception {
        start();
        CountDownLatch held = new CountDownLatch(1);
        CountDownLatch release = holdNextAnswerOfA(held);
        held.await();
        a.writer = false; // demoted while its probe's answer ("writer") is on its way
        b.writer = true;
        HostSpec found = monitor.awaitWriter(a.host(), System.nanoTime() + TimeUnit.SECONDS.toNanos(10));
        assertEquals(b.host().endpoint(), found.endpoint());
        List<String> writers = new CopyOnWriteArrayList<>();
        monitor.addListener(t -> writers.add(t.writer().map(HostSpec::endpoint).orElse("")));
        int queries = a.queries.get();
        release.countDown();
        await(() -> a.queries.get() > queries); // a's next probe: the late one has been handled
        assertFalse(writers.contains(a.host().endpoint()), "the late answer put the old writer back: " + writers);
        assertEquals(b.host().endpoint(), writer());
    }

    @Test
    void aProbeStartedBeforeAwaitWriterDoesNotAnswerIt() throws Exception {
        start();
        CountDownLatch held = new CountDownLatch(1);
        CountDownLatch release = holdNextAnswerOfA(held);
        held.await();
        a.onQuery = (node, what, app) -> {
            throw new SQLException("An I/O error occurred while sending to the backend.", "08006");
        };
        a.onLogin = a.onQuery; // a is gone from here on; its held answer was taken before
        Future<HostSpec> awaited = threads.submit(() -> monitor.awaitWriter(a.host(), System.nanoTime()
                + TimeUnit.MILLISECONDS.toNanos(1500)));
        await(monitor::isSearchingForWriter);
        release.countDown();
        assertNull(awaited.get(), "a writer known from a probe that started before the call, and is gone since");
    }

    @Test
    void oneFailedProbeOfTheWriterDoesNotMakeItDown() throws Exception {
        start();
        AtomicBoolean failed = new AtomicBoolean();
        AtomicReference<HostHealth.State> afterIt = new AtomicReference<>();
        a.onQuery = (node, what, app) -> {
            if (failed.compareAndSet(false, true)) {
                throw new SQLException("canceling statement due to statement timeout", "57014"); // one slow answer
            }
            afterIt.compareAndSet(null, monitor.health(a.host()).state());
        };
        await(() -> afterIt.get() != null);
        assertNotEquals(HostHealth.State.DOWN, afterIt.get(), "one failed probe flushed the pool");
        await(() -> !monitor.isSearchingForWriter() && writer().equals(a.host().endpoint()));
        assertEquals(HostHealth.State.UP, monitor.health(a.host()).state());
    }

    @Test
    void aRefusedLoginIsLoggedWithItsSqlStateAndIsNotAHostFailure() throws Exception {
        start();
        List<String> warnings = new CopyOnWriteArrayList<>();
        Logger log = Logger.getLogger(ClusterMonitor.class.getName());
        Handler handler = new Handler() {
            @Override
            public void publish(LogRecord r) {
                warnings.add(java.text.MessageFormat.format(r.getMessage(), r.getParameters()));
            }

            @Override
            public void flush() {
            }

            @Override
            public void close() {
            }
        };
        log.addHandler(handler);
        try {
            a.onLogin = (node, what, app) -> {
                throw new SQLException("FATAL: password authentication failed for user \"app\"", "28P01");
            };
            int logins = a.logins.get();
            fake.open().forEach(c -> {
                try {
                    c.abort(Runnable::run); // the monitor's connections are dropped: it must log in again
                } catch (SQLException e) {
                    throw new AssertionError(e);
                }
            });
            await(() -> a.logins.get() >= logins + 5);
            assertNotEquals(HostHealth.State.DOWN, monitor.health(a.host()).state(), "a refused login is not a dead host");
            assertTrue(warnings.stream().anyMatch(w -> w.contains("28P01") && w.contains("password authentication failed")),
                    "logged with its SQLState and message: " + warnings);
        } finally {
            log.removeHandler(handler);
        }
    }

    @Test
    void theLastCloseNeverWaitsForTheMonitorWhichLingersAndIsReused() throws Exception {
        a.writer = true;
        String key = "linger-" + n;
        Object member = new Object();
        ClusterMonitor lingering = new ClusterMonitor(key, new PostgresDialect(),
                new TopologyEndpoints(null, List.of(a.host(), b.host())), java.util.Map.of(), 20, 300);
        lingering.addMember(member, (host, properties) -> fake.connect(host));
        monitor = registry.acquire(key, () -> lingering);
        await(() -> writer().equals(a.host().endpoint()));
        // a probe stuck on a's answer and deaf to interrupts: stopping the monitor waits for it (seconds)
        CountDownLatch stuck = new CountDownLatch(1);
        CountDownLatch unstick = new CountDownLatch(1);
        AtomicBoolean once = new AtomicBoolean();
        a.onAnswer = (node, what, app) -> {
            if (once.compareAndSet(false, true)) {
                stuck.countDown();
                while (unstick.getCount() > 0) {
                    try {
                        unstick.await();
                    } catch (InterruptedException ignored) {
                        // deaf, as a socket read is
                    }
                }
            }
        };
        stuck.await();
        try {
            long start = System.nanoTime();
            registry.release(monitor);
            long ms = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
            assertTrue(ms < 1000, "the last release waited " + ms + " ms for the monitor to stop");
            assertFalse(monitor.isClosed(), "the monitor lingers after its last user");
            assertTrue(registry.acquire(key, () -> {
                throw new AssertionError("a new monitor while one lingers");
            }) == monitor, "the lingering monitor is used again");
            registry.release(monitor);
        } finally {
            unstick.countDown();
        }
        lingering.removeMember(member);
        await(monitor::isClosed); // stopped in the background once the disposal time passed
        assertTrue(registry.monitors().isEmpty());
        await(() -> fake.open().isEmpty()); // its connections closed, by the disposal thread
    }

    /**
     * Defect 17, the topology monitor's part: on busy CPUs a login can take seconds while statements answer in
     * milliseconds. A probe whose login timed out says the writer is busy, not lost: no writer search, no
     * failed observation of its health (seen in the false-positive soak: a search of 26 s and the writer DOWN).
     */
    @Test
    void aProbeLoginThatTimesOutIsABusyWriterNotALostOne() throws Exception {
        a.writer = true;
        a.onLogin = (node, what, app) -> {
            if (app == null) { // the monitor's probes; the application's logins go through
                throw new SQLException("The connection attempt failed.", "08001", new java.net.SocketTimeoutException("Read timed out"));
            }
        };
        String key = "unit-" + n;
        monitor = registry.acquire(key, () -> new ClusterMonitor(key, new PostgresDialect(),
                new TopologyEndpoints(null, List.of(a.host(), b.host())), fake.hostConnector(), 20));
        try (java.sql.Connection app = fake.connect(a.host(), "app")) {
            monitor.refreshFrom(app, a.host()); // the writer, as the application's new connection found it
            assertEquals(a.host().endpoint(), writer());
            int logins = a.logins.get();
            await(() -> a.logins.get() >= logins + 5); // five probe logins of the writer timed out since
            assertFalse(monitor.isSearchingForWriter(), "a login that timed out started a writer search");
            assertNotEquals(HostHealth.State.DOWN, monitor.health(a.host()).state());
            assertEquals(0, monitor.health(a.host()).failedProbes());
            assertEquals(a.host().endpoint(), writer());
        }
    }
}
