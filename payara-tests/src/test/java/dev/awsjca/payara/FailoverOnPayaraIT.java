package dev.awsjca.payara;

import dev.awsjca.testkit.PgCluster;
import dev.awsjca.testkit.PgNode;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

import java.net.URL;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The adapter's XA transactions in Payara (its JTS transaction manager, its connector pool) when the
 * writer crashes: a transaction in flight rolls back cleanly (08007 to the application) and the pool moves
 * to the new writer; a branch prepared when the writer crashed ends committed on the new writer; a branch
 * left in doubt (the login refused between prepare and commit) ends committed once the login works again;
 * a branch left prepared when the server itself died is committed by Payara's recovery at the next start.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class FailoverOnPayaraIT {

    private static URL app;
    private static PgCluster cluster;

    @BeforeAll
    static void deploy() {
        cluster = TestCluster.get();
        Adapter.ensureDeployed();
        app = PayaraDomain.get().http(Adapter.APP);
    }

    @BeforeEach
    void threeHealthyNodes() {
        cluster.restoreHealth();
    }

    @Test
    @Order(1)
    void aWriterCrashMidTransactionRollsItBackAndThePoolMovesToTheNewWriter() throws Exception {
        String lost = UUID.randomUUID().toString();
        CompletableFuture<String> inFlight = CompletableFuture.supplyAsync(() -> Http.get(app, "rows?op=insert&sleep=4&id=" + lost));
        awaitSleepingTransaction(cluster.writer()); // not a fixed wait: a loaded machine reached the INSERT after the crash
        cluster.failover();
        assertEquals("rolledback 08007", inFlight.get(60, TimeUnit.SECONDS));

        for (int i = 0; i < 5; i++) {
            String id = UUID.randomUUID().toString();
            assertEquals("committed", Http.get(app, "rows?op=insert&sleep=0&id=" + id));
            assertEquals(1, TestCluster.count(TestCluster.FIRST, id));
        }
        assertEquals(0, TestCluster.count(TestCluster.FIRST, lost));
        assertEquals(Adapter.MAX_POOL + " " + Adapter.MAX_POOL, Http.get(app, "rows?op=pool&n=" + Adapter.MAX_POOL),
                "every connection of the pool on the new writer");
        assertNothingPrepared();
    }

    @Test
    @Order(2)
    void aBranchPreparedWhenTheWriterCrashedEndsCommittedOnTheNewWriter() throws Exception {
        String id = UUID.randomUUID().toString();
        assertEquals("armed", Http.get(app, "rows?op=arm"));
        CompletableFuture<String> tx = CompletableFuture.supplyAsync(() -> Http.get(app, "rows?op=insert-hooked&id=" + id));
        awaitHook();
        cluster.failover(); // the adapter's branch is prepared; the TM waits in the hook's prepare
        assertEquals("released", Http.get(app, "rows?op=hook-release"));

        assertEquals("committed", tx.get(60, TimeUnit.SECONDS));
        assertEquals(1, TestCluster.count(TestCluster.FIRST, id));
        assertNothingPrepared();
    }

    /**
     * Payara's TM retries the commit of a branch whose resource is unreachable inside the application's
     * commit call (transaction-service retry-timeout-in-seconds, 600 s by default), and its recovery
     * ({@code recover-transactions}; at start with automatic-recovery) finishes what is left. Here the
     * application's login is refused between prepare and commit: the branch stays prepared while it is,
     * and ends committed, nothing left prepared, once the database takes the login again.
     */
    @Test
    @Order(3)
    void aBranchLeftInDoubtByARefusedLoginEndsCommittedOnceTheLoginWorksAgain() throws Exception {
        String id = UUID.randomUUID().toString();
        PgNode writer = cluster.writer();
        CompletableFuture<String> tx = inDoubtWithTheLoginRefused(id, writer);
        try {
            assertEquals(0, TestCluster.count(TestCluster.FIRST, id));
        } finally {
            writer.execute("postgres", "ALTER ROLE " + TestCluster.APP_USER + " LOGIN");
        }
        // the TM may be in its own commit retry: recovery is asked too, its answer only recorded
        PayaraDomain.Result recovery = PayaraDomain.get().tryAsadmin("recover-transactions", "server");
        System.out.println("recover-transactions: " + recovery.exitCode() + " " + recovery.output());
        String outcome = tx.get(120, TimeUnit.SECONDS);
        System.out.println("the application saw: " + outcome);
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (TestCluster.prepared(writer) > 0 && System.nanoTime() < deadline) {
            Thread.sleep(500);
        }
        assertEquals(0, TestCluster.prepared(writer), "nothing left prepared");
        assertEquals(1, TestCluster.count(TestCluster.FIRST, id), "committed, as the TM had decided");
    }

    /**
     * Payara's recovery itself: the commit decision is in the transaction log, the adapter's branch is
     * prepared and its commit cannot reach the database (the login is refused), and the server dies. Once the
     * login works again, the server's start (automatic-recovery) must finish the branch: committed, nothing
     * left prepared. The application's own commit call died with the server, so nothing but recovery can.
     */
    @Test
    @Order(4)
    void aBranchLeftPreparedWhenTheServerDiedIsCommittedByRecoveryAtStart() throws Exception {
        String id = UUID.randomUUID().toString();
        PgNode writer = cluster.writer();
        CompletableFuture<String> tx = inDoubtWithTheLoginRefused(id, writer);
        try {
            PayaraDomain.get().kill();
            tx.handle((outcome, failure) -> null).get(30, TimeUnit.SECONDS); // its HTTP request died with the server
            assertEquals(1, TestCluster.prepared(writer), "still prepared after the server died");
        } finally {
            writer.execute("postgres", "ALTER ROLE " + TestCluster.APP_USER + " LOGIN");
        }
        long started = System.nanoTime();
        PayaraDomain.get().startAgain();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
        while (TestCluster.prepared(writer) > 0 && System.nanoTime() < deadline) {
            Thread.sleep(500);
        }
        System.out.printf("recovery at start: nothing prepared %d ms after start-domain was asked%n",
                TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started));
        assertEquals(0, TestCluster.prepared(writer), "nothing left prepared after the server's start");
        assertEquals(1, TestCluster.count(TestCluster.FIRST, id), "committed, as the TM had logged");
        assertEquals("committed", Http.get(app, "rows?op=insert&sleep=0&id=" + UUID.randomUUID()), "the application works again");
    }

    /**
     * A transaction whose adapter branch is prepared on {@code writer} and whose commit the TM has decided
     * but cannot deliver: the application's login is refused (the caller allows it again; this method does
     * itself if it fails). Returns the application's pending request.
     */
    private static CompletableFuture<String> inDoubtWithTheLoginRefused(String id, PgNode writer) throws InterruptedException {
        assertEquals("armed", Http.get(app, "rows?op=arm"));
        CompletableFuture<String> tx = CompletableFuture.supplyAsync(() -> Http.get(app, "rows?op=insert-hooked&id=" + id));
        awaitHook();
        writer.execute("postgres", "ALTER ROLE " + TestCluster.APP_USER + " NOLOGIN",
                "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE usename = '" + TestCluster.APP_USER + "'");
        try {
            assertEquals("released", Http.get(app, "rows?op=hook-release"));
            Thread.sleep(3000); // the TM has decided to commit and retries the adapter's branch
            assertEquals(1, TestCluster.prepared(writer), "the branch is prepared, in doubt");
            return tx;
        } catch (RuntimeException | Error | InterruptedException e) {
            writer.execute("postgres", "ALTER ROLE " + TestCluster.APP_USER + " LOGIN");
            throw e;
        }
    }

    /** Waits until the application's transaction has inserted and sleeps on {@code writer}. */
    private static void awaitSleepingTransaction(PgNode writer) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (!writer.queryString("SELECT count(*) FROM pg_stat_activity WHERE usename = '" + TestCluster.APP_USER
                + "' AND query LIKE 'SELECT pg_sleep%' AND state = 'active'").equals("1")) {
            assertTrue(System.nanoTime() < deadline, "the application's transaction never reached its pg_sleep on " + writer);
            Thread.sleep(50);
        }
    }

    private static void awaitHook() throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (!Http.get(app, "rows?op=hook-waiting").equals("true")) {
            assertTrue(System.nanoTime() < deadline, "the transaction never reached the hook's prepare");
            Thread.sleep(50);
        }
    }

    private static void assertNothingPrepared() {
        for (PgNode node : cluster.nodes()) {
            if (node.isRunning()) {
                assertEquals(0, TestCluster.prepared(node), "prepared transactions on " + node);
            }
        }
    }
}
