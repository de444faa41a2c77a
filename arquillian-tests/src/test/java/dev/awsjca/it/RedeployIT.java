package dev.awsjca.it;

import dev.awsjca.it.probe.ClassLoadersServlet;
import dev.awsjca.it.probe.LoadersServlet;
import dev.awsjca.it.probe.WorkersServlet;
import dev.awsjca.it.redeploy.LoadServlet;
import dev.awsjca.testapp.probe.ThreadsServlet;
import dev.awsjca.testkit.PgCluster;
import dev.awsjca.testkit.PgNode;
import org.jboss.arquillian.container.test.api.Deployer;
import org.jboss.arquillian.container.test.api.Deployment;
import org.jboss.arquillian.container.test.api.OperateOnDeployment;
import org.jboss.arquillian.junit5.ArquillianExtension;
import org.jboss.arquillian.test.api.ArquillianResource;
import org.jboss.as.arquillian.container.ManagementClient;
import org.jboss.shrinkwrap.api.ShrinkWrap;
import org.jboss.shrinkwrap.api.spec.WebArchive;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.net.URL;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Issue 13, redeploy: the rar redeployed again and again, then an application redeployed again and again
 * against a standalone rar; each cycle under load (JTA transactions over two XA definitions from two
 * requests at once). After every undeploy of the rar: none of the adapter's threads and no database session
 * on any node is left; after every undeploy of the application: none of the adapter's threads carries its
 * class loader, and that loader is unreachable once the collector ran. An undeployed rar's loader is held by
 * WildFly's transaction recovery for up to {@link #RECOVERY_HOLD_MS}, and must be gone after that. The
 * loaders are watched through weak references by a probe war deployed apart; one that stays reachable
 * fails the test with what holds it (a heap dump of the server, analysed). {@code -Dawsjca.redeploy.cycles=N}
 * sets the cycles of each kind (5 in the build), {@code -Dawsjca.redeploy.transactions=N} the transactions
 * of each of the two requests of a cycle (50 in the build).
 */
@ExtendWith(ArquillianExtension.class)
class RedeployIT {

    static final String RAR = "aws-jca-redeploy.rar";
    private static final String RAR_MODULE = "deployment." + RAR;
    private static final String APP_MODULE = "deployment.redeploy.war";
    private static final int CYCLES = Integer.getInteger("awsjca.redeploy.cycles", 5);
    private static final int LOAD_REQUESTS = 2; // at once, each its own request thread
    /** Per request and cycle: 50 in the build, 100 for the long run ({@code -Dawsjca.redeploy.transactions=100}). */
    private static final int TRANSACTIONS = Integer.getInteger("awsjca.redeploy.transactions", 50);
    /** Request threads the probe starts and occupies before each load: the load's requests and room to spare. */
    private static final int REQUEST_THREADS = 8;
    /** How long the collector gets to take an undeployed loader: generous, a loaded machine is slow. */
    private static final long COLLECT_MS = 15_000;
    /**
     * How long an undeployed rar's loader may stay reachable: Narayana's XA recovery keeps each scanned
     * XAResource (the adapter's class, so the rar's loader) in its scan records until the record is stale,
     * 40 s after its last scan (2 x the orphan safety interval of 20 s), removed at its next scan (every
     * 5 s in these tests); see docs/RELIABILITY.md, Redeploy.
     */
    private static final long RECOVERY_HOLD_MS = 60_000;

    private static PgCluster cluster;
    private static int loaded; // transactions committed in both databases, all cycles

    @ArquillianResource
    private Deployer deployer;

    @ArquillianResource
    private ManagementClient management;

    @Deployment(name = "probe", order = 1, testable = false)
    static WebArchive probe() {
        return ShrinkWrap.create(WebArchive.class, "redeploy-probe.war")
                .addClasses(ThreadsServlet.class, LoadersServlet.class, ClassLoadersServlet.class, WorkersServlet.class);
    }

    @Deployment(name = "app", managed = false, testable = false)
    static WebArchive app() {
        return ShrinkWrap.create(WebArchive.class, "redeploy.war").addClass(LoadServlet.class);
    }

    @BeforeAll
    static void startCluster() {
        cluster = PgCluster.builder().replicas(1).start();
        for (String db : RedeployConfiguration.DATABASES) {
            cluster.createDatabase(db);
            cluster.execute(cluster.writer(), db, "CREATE TABLE load (id text PRIMARY KEY)");
        }
    }

    @AfterAll
    static void stopCluster() {
        if (cluster != null) {
            cluster.close();
        }
    }

    @Test
    void redeploysUnderLoadLeaveNothingBehind(@ArquillianResource @OperateOnDeployment("probe") URL probe) throws Exception {
        long logStart = ServerLog.position();
        UndeployedLoaders loaders = new UndeployedLoaders(probe);
        RedeployConfiguration configuration = new RedeployConfiguration(management, cluster);
        configuration.add();
        try {
            theRarRedeployed(probe, loaders, configuration);
            aWarRedeployedAgainstAStandaloneRar(probe, loaders, configuration);
        } finally {
            undeployQuietly("app");
            configuration.undeployRarQuietly();
            configuration.remove();
        }
        // the last rars' recovery records age out in Narayana meanwhile: wait for the rest
        long waitMs = Math.max(1_000, RECOVERY_HOLD_MS - loaders.sinceLastUndeployMs(RAR_MODULE));
        long start = System.nanoTime();
        loaders.assertNoneReachable(RAR_MODULE, waitMs, "at the end");
        System.out.printf("every undeployed rar's class loader collected, the last %d ms after its undeploy (waited %d ms)%n",
                loaders.sinceLastUndeployMs(RAR_MODULE), (System.nanoTime() - start) / 1_000_000);
        assertEquals(List.of(), ServerLog.errorsSince(logStart), "errors in server.log");
    }

    /**
     * The rar deployed, used by the application, and undeployed: no adapter thread, no session on any node,
     * no loader of the application left; the rar's own loader goes once Narayana drops its recovery record.
     */
    private void theRarRedeployed(URL probe, UndeployedLoaders loaders, RedeployConfiguration configuration) throws Exception {
        for (int cycle = 1; cycle <= CYCLES; cycle++) {
            Steps steps = new Steps();
            configuration.deployRar();
            loaders.watch(RAR_MODULE);
            deployer.deploy("app");
            loaders.watch(APP_MODULE);
            steps.done("deploy");
            loaders.occupyEveryRequestThread(REQUEST_THREADS); // none idled out during a slow deploy
            load(probe, "rar" + cycle);
            steps.done("load");
            deployer.undeploy("app");
            loaders.undeployed(APP_MODULE);
            configuration.undeployRar();
            loaders.undeployed(RAR_MODULE);
            steps.done("undeploy");
            assertEquals(List.of(), awaitEmpty(() -> lines(Http.get(probe, "threads"))),
                    "adapter threads left after the rar's undeploy, cycle " + cycle);
            assertEquals(List.of(), awaitEmpty(RedeployIT::adapterSessions),
                    "database sessions left after the rar's undeploy, cycle " + cycle);
            steps.done("threads and sessions");
            loaders.assertNoneReachable(APP_MODULE, COLLECT_MS, "rar cycle " + cycle);
            int rars = loaders.assertGoneAfter(RAR_MODULE, RECOVERY_HOLD_MS, "rar cycle " + cycle);
            steps.done("loaders");
            System.out.printf("rar cycle %d: %s; undeployed rar loaders still reachable (younger than %d ms): %d%n", cycle,
                    steps, RECOVERY_HOLD_MS, rars);
        }
    }

    /** The application deployed, used, and undeployed against a rar that stays: no loader of it left anywhere. */
    private void aWarRedeployedAgainstAStandaloneRar(URL probe, UndeployedLoaders loaders, RedeployConfiguration configuration)
            throws Exception {
        configuration.deployRar();
        try {
            for (int cycle = 1; cycle <= CYCLES; cycle++) {
                Steps steps = new Steps();
                deployer.deploy("app");
                loaders.watch(APP_MODULE);
                steps.done("deploy");
                loaders.occupyEveryRequestThread(REQUEST_THREADS); // none idled out during a slow deploy
                load(probe, "war" + cycle);
                steps.done("load");
                deployer.undeploy("app");
                loaders.undeployed(APP_MODULE);
                steps.done("undeploy");
                assertEquals("", Http.get(probe, "loaders?module=" + APP_MODULE),
                        "adapter threads carrying the undeployed application's class loader, war cycle " + cycle);
                loaders.assertNoneReachable(APP_MODULE, COLLECT_MS, "war cycle " + cycle);
                steps.done("loaders");
                List<String> sessions = adapterSessions();
                assertTrue(sessions.size() <= RedeployConfiguration.MAX_SESSIONS,
                        "the standalone rar's sessions stay within its pools and monitors, war cycle " + cycle + ":\n"
                                + String.join("\n", sessions));
                System.out.printf("war cycle %d: %s; %d adapter sessions%n", cycle, steps, sessions.size());
            }
        } finally {
            configuration.undeployRar();
            loaders.undeployed(RAR_MODULE);
        }
    }

    /** Concurrent requests of JTA transactions through the adapter; every one must commit in both databases. */
    private static void load(URL probe, String prefix) throws Exception {
        URL app = new URL(probe, "/redeploy/");
        ExecutorService requests = Executors.newFixedThreadPool(LOAD_REQUESTS);
        try {
            List<Future<String>> answers = new ArrayList<>();
            for (int r = 0; r < LOAD_REQUESTS; r++) {
                String path = "load?n=" + TRANSACTIONS + "&prefix=" + prefix + "-" + r;
                answers.add(requests.submit(() -> Http.get(app, path)));
            }
            for (Future<String> answer : answers) {
                assertEquals(String.valueOf(TRANSACTIONS), answer.get(), "transactions committed by one request");
            }
        } finally {
            requests.shutdownNow();
        }
        loaded += LOAD_REQUESTS * TRANSACTIONS;
        for (String db : RedeployConfiguration.DATABASES) {
            assertEquals(loaded, rows(db), "rows committed in " + db);
        }
    }

    /** The adapter's sessions on every node: its pools' (the test databases) and its monitors'. */
    private static List<String> adapterSessions() throws SQLException {
        List<String> sessions = new ArrayList<>();
        for (PgNode node : cluster.nodes()) {
            try (Connection c = node.connectDirect("postgres"); Statement s = c.createStatement();
                 ResultSet rs = s.executeQuery("SELECT pid, datname, application_name, state FROM pg_stat_activity"
                         + " WHERE backend_type = 'client backend' AND pid <> pg_backend_pid()"
                         + " AND (datname IN ('" + String.join("', '", RedeployConfiguration.DATABASES) + "')"
                         + " OR application_name LIKE 'aws-advanced-jca%')")) {
                while (rs.next()) {
                    sessions.add(node.name() + ": pid " + rs.getInt(1) + " db " + rs.getString(2) + " application '"
                            + rs.getString(3) + "' " + rs.getString(4));
                }
            }
        }
        return sessions;
    }

    private static int rows(String db) throws SQLException {
        try (Connection c = cluster.writer().connectDirect(db); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT count(*) FROM load")) {
            rs.next();
            return rs.getInt(1);
        }
    }

    private interface Listing {
        List<String> get() throws Exception;
    }

    /** Threads end and sessions close shortly after the adapter's stop() returns: a few seconds for a loaded machine. */
    private static List<String> awaitEmpty(Listing listing) throws Exception {
        long deadline = System.nanoTime() + 10_000_000_000L;
        List<String> left = listing.get();
        while (!left.isEmpty() && System.nanoTime() < deadline) {
            Thread.sleep(100);
            left = listing.get();
        }
        return left;
    }

    /** How long each step of a cycle took, for the test's output (ms). */
    private static final class Steps {
        private final StringBuilder done = new StringBuilder();
        private final long start = System.nanoTime();
        private long last = start;

        void done(String step) {
            long now = System.nanoTime();
            done.append(done.length() == 0 ? "" : ", ").append(step).append(' ').append((now - last) / 1_000_000);
            last = now;
        }

        @Override
        public String toString() {
            return (System.nanoTime() - start) / 1_000_000 + " ms (" + done + ")";
        }
    }

    private static List<String> lines(String body) {
        return body.isEmpty() ? List.of() : List.of(body.split("\n"));
    }

    private void undeployQuietly(String name) {
        try {
            deployer.undeploy(name);
        } catch (RuntimeException ignored) {
            // not deployed
        }
    }
}
