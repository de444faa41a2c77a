package dev.awsjca.it;

import dev.awsjca.testapp.PrepareHook;
import dev.awsjca.it.failover.FailoverServlet;
import dev.awsjca.testkit.PgCluster;
import dev.awsjca.testkit.PgNode;
import org.jboss.arquillian.container.test.api.Deployment;
import org.jboss.arquillian.junit5.ArquillianExtension;
import org.jboss.arquillian.test.api.ArquillianResource;
import org.jboss.shrinkwrap.api.ShrinkWrap;
import org.jboss.shrinkwrap.api.spec.EnterpriseArchive;
import org.jboss.shrinkwrap.api.spec.WebArchive;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.ExtendWith;

import java.net.URL;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The adapter's XA transactions in WildFly (Narayana, IronJacamar's xa-pool) when the writer crashes: a
 * transaction in flight rolls back cleanly and the next one commits on the new writer; a branch prepared
 * when the writer crashed is committed on the new writer by the TM's own commit; a branch left behind is
 * finished by WildFly's recovery with the recovery credentials; 32 threads of transactions through a
 * failover all settle, nothing lost or doubled, and the whole pool is usable on the new writer afterwards.
 */
@ExtendWith(ArquillianExtension.class)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class XaFailoverIT {

    private static final String APP_USER = "app";
    private static final String DATABASE = "orders";
    private static final int POOL = 40;

    private static PgCluster cluster;

    @Deployment(testable = false)
    static EnterpriseArchive deployment() {
        return ShrinkWrap.create(EnterpriseArchive.class, "xa-failover.ear")
                .addAsModule(Deployments.resourceAdapter(ironjacamarXml(cluster())))
                .addAsModule(ShrinkWrap.create(WebArchive.class, "app.war").addPackage(FailoverServlet.class.getPackage())
                        .addClass(PrepareHook.class));
    }

    /** Its own three-node cluster: these tests crash writers. */
    private static synchronized PgCluster cluster() {
        if (cluster == null) {
            ServerLog.mark();
            PgCluster started = PgCluster.builder().replicas(2).start();
            started.createDatabase(DATABASE);
            started.writer().execute("postgres", "CREATE ROLE " + APP_USER + " LOGIN PASSWORD '" + started.password().replace("'", "''") + "'");
            started.writer().execute(DATABASE, "CREATE TABLE rows (id text PRIMARY KEY)", "GRANT ALL ON rows TO " + APP_USER);
            cluster = started;
        }
        return cluster;
    }

    private static String ironjacamarXml(PgCluster cluster) {
        String url = "jdbc:aws-wrapper:postgresql://" + cluster.clusterEndpoint().host() + ":" + cluster.clusterEndpoint().port()
                + "/" + DATABASE + "?connectTimeout=2&socketTimeout=20";
        return Deployments.ironjacamarXml(Deployments.connectionDefinition("java:/jdbc/failover", "failover", url, APP_USER,
                Map.of("Plugins", "failover,hostMonitoring", "ClusterInstanceHostPattern", cluster.instanceHostPattern(),
                        "FailoverTimeoutMs", "10000"), POOL, cluster));
    }

    @ArquillianResource
    private URL base;

    @BeforeEach
    void threeHealthyNodes() {
        cluster.restoreHealth();
    }

    @Test
    @Order(1)
    void aWriterCrashMidTransactionRollsItBackAndTheNextCommitsOnTheNewWriter() throws Exception {
        String lost = UUID.randomUUID().toString();
        CompletableFuture<String> inFlight = CompletableFuture.supplyAsync(() -> get("failover?op=insert&sleep=4&id=" + lost));
        awaitOnWriter("SELECT count(*) FROM pg_stat_activity WHERE state = 'active' AND query = 'SELECT pg_sleep(4)'",
                "the transaction's pg_sleep running"); // the insert is done and the branch is in flight: now the crash
        cluster.failover();
        assertEquals("rolledback 08007", inFlight.get(60, TimeUnit.SECONDS));

        for (int i = 0; i < 5; i++) {
            String id = UUID.randomUUID().toString();
            assertEquals("committed", get("failover?op=insert&sleep=0&id=" + id));
            assertEquals(1, count("id = '" + id + "'"));
        }
        assertEquals(0, count("id = '" + lost + "'"));
        // every connection the pool hands out now is on the new writer
        assertEquals(POOL + " " + POOL, get("failover?op=pool&n=" + POOL));
        assertNothingPrepared();
    }

    @Test
    @Order(2)
    void aBranchPreparedWhenTheWriterCrashedIsCommittedOnTheNewWriter() throws Exception {
        String id = UUID.randomUUID().toString();
        assertEquals("armed", get("failover?op=arm"));
        CompletableFuture<String> tx = CompletableFuture.supplyAsync(() -> get("failover?op=insert-hooked&id=" + id));
        awaitHook();
        cluster.failover(); // the adapter's branch is prepared; the TM waits in the hook's prepare
        assertEquals("released", get("failover?op=hook-release"));

        assertEquals("committed", tx.get(60, TimeUnit.SECONDS));
        assertEquals(1, count("id = '" + id + "'"));
        assertNothingPrepared();
    }

    @Test
    @Order(3)
    void aBranchLeftPreparedIsFinishedByWildFlysRecovery() throws Exception {
        String id = UUID.randomUUID().toString();
        assertEquals("armed", get("failover?op=arm"));
        CompletableFuture<String> tx = CompletableFuture.supplyAsync(() -> get("failover?op=insert-hooked&id=" + id));
        awaitHook();
        // between prepare and commit the application's login is refused and its sessions end: the TM's
        // commit cannot finish the branch, which stays prepared until recovery (with its own credentials)
        PgNode writer = cluster.writer();
        writer.execute("postgres", "ALTER ROLE " + APP_USER + " NOLOGIN",
                "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE usename = '" + APP_USER + "'");
        try {
            assertEquals("released", get("failover?op=hook-release"));
            String outcome = tx.get(60, TimeUnit.SECONDS);
            assertTrue(outcome.equals("committed") || outcome.startsWith("unknown"), outcome);
            assertEquals(1, prepared(writer), "the branch waits for recovery");
        } finally {
            writer.execute("postgres", "ALTER ROLE " + APP_USER + " LOGIN");
        }
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(90);
        while (prepared(writer) > 0 && System.nanoTime() < deadline) {
            Thread.sleep(500);
        }
        assertEquals(0, prepared(writer), "WildFly's periodic recovery finished the branch");
        assertEquals(1, count("id = '" + id + "'"), "and committed it, as the TM had decided");
    }

    @Test
    @Order(4)
    void thirtyTwoThreadsOfTransactionsThroughAFailoverSettleWithNothingLostOrDoubled() throws Exception {
        String prefix = "load-" + UUID.randomUUID();
        CompletableFuture<String> load = CompletableFuture.supplyAsync(
                () -> get("failover?op=load&threads=32&millis=8000&prefix=" + prefix));
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (count("id LIKE '" + prefix + "%'") < 32) { // the load is committing: now the crash
            assertTrue(System.nanoTime() < deadline, "the load committed nothing within 60 s");
            Thread.sleep(20);
        }
        cluster.failover();
        String report = load.get(120, TimeUnit.SECONDS);

        Map<String, Integer> outcomes = new HashMap<>();
        Set<String> committed = new HashSet<>();
        Set<String> maybe = new HashSet<>();
        for (String line : report.split("\n")) {
            String[] parts = line.split(" ", 3);
            String outcome = parts[1] + (parts.length > 2 && parts[1].equals("rolledback") ? " " + parts[2] : "");
            outcomes.merge(outcome, 1, Integer::sum);
            if (parts[1].equals("committed")) {
                committed.add(parts[0]);
            } else if (parts[1].equals("unknown")) {
                maybe.add(parts[0]);
            }
        }
        Set<String> inDatabase = ids("id LIKE '" + prefix + "-%'");
        System.out.println("32 threads through a failover: " + outcomes);
        assertTrue(committed.size() > 100, "transactions committed: " + outcomes);
        // only a commit in flight when the writer died can be unknown: at most one per thread
        assertTrue(maybe.size() <= 32, "unknown outcomes: " + outcomes);
        assertTrue(inDatabase.containsAll(committed), "every transaction the application saw commit is there: " + outcomes);
        Set<String> extra = new HashSet<>(inDatabase);
        extra.removeAll(committed);
        extra.removeAll(maybe);
        assertTrue(extra.isEmpty(), "rows of transactions reported rolled back: " + extra + " " + outcomes);
        assertEquals(POOL + " " + POOL, get("failover?op=pool&n=" + POOL), "the whole pool, on the new writer");
        assertNothingPrepared();
    }

    // ---- helpers

    private void awaitHook() throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (!get("failover?op=hook-waiting").equals("true")) {
            assertTrue(System.nanoTime() < deadline, "the transaction never reached the hook's prepare");
            Thread.sleep(50);
        }
    }

    private String get(String pathAndQuery) {
        try {
            return Http.get(base, pathAndQuery);
        } catch (Exception e) {
            throw new AssertionError(pathAndQuery + ": " + e, e);
        }
    }

    private static int count(String where) throws SQLException {
        return ids(where).size();
    }

    private static Set<String> ids(String where) throws SQLException {
        PgNode writer = cluster.writer();
        Set<String> ids = new HashSet<>();
        try (Connection c = DriverManager.getConnection(writer.jdbcUrl(DATABASE), cluster.superuser(), cluster.password());
             Statement s = c.createStatement(); ResultSet rs = s.executeQuery("SELECT id FROM rows WHERE " + where)) {
            while (rs.next()) {
                ids.add(rs.getString(1));
            }
        }
        return ids;
    }

    /** Until {@code countQuery} (run on the writer's server, past its fault proxy) counts at least one, 60 s at most. */
    private static void awaitOnWriter(String countQuery, String what) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (Integer.parseInt(cluster.writer().queryString(countQuery).trim()) < 1) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("not seen within 60 s: " + what);
            }
            Thread.sleep(20);
        }
    }

    private static int prepared(PgNode node) {
        return Integer.parseInt(node.queryString("SELECT count(*) FROM pg_prepared_xacts"));
    }

    private static void assertNothingPrepared() {
        for (PgNode node : cluster.nodes()) {
            if (node.isRunning()) {
                assertEquals(0, prepared(node), "prepared transactions on " + node);
            }
        }
    }
}
