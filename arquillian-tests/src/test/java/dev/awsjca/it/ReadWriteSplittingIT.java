package dev.awsjca.it;

import dev.awsjca.it.rws.Row;
import dev.awsjca.it.rws.RwsServlet;
import dev.awsjca.testapp.probe.ThreadsServlet;
import dev.awsjca.testkit.PgCluster;
import dev.awsjca.testkit.PgNode;
import dev.awsjca.testkit.TestDatabase;
import org.jboss.arquillian.container.test.api.Deployer;
import org.jboss.arquillian.container.test.api.Deployment;
import org.jboss.arquillian.container.test.api.OperateOnDeployment;
import org.jboss.arquillian.junit5.ArquillianExtension;
import org.jboss.arquillian.test.api.ArquillianResource;
import org.jboss.shrinkwrap.api.ShrinkWrap;
import org.jboss.shrinkwrap.api.spec.EnterpriseArchive;
import org.jboss.shrinkwrap.api.spec.WebArchive;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.net.URL;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Issue 10 in WildFly: a writer XA definition and a reader definition ({@code Role=reader}) of one cluster
 * (a writer and two replicas) side by side. One JTA transaction writes through the writer and reads through
 * the reader (two-phase commit in which the reader's branch, on a replica that could not prepare anything,
 * answers XA_RDONLY); a JPA persistence unit on the reader definition reads on a replica and cannot write
 * (25006); a reader that crashes under a read loop is left for the other one; undeploying leaves no thread
 * and no session, three times over.
 */
@ExtendWith(ArquillianExtension.class)
class ReadWriteSplittingIT {

    private static final String DB = "rws";
    private static final String APP = "rws";
    private static PgCluster cluster;
    private static TestDatabase database;

    static synchronized PgCluster cluster() {
        if (cluster == null) {
            PgCluster started = PgCluster.builder().replicas(2).start();
            database = started.createDatabase(DB);
            started.execute(started.writer(), DB, "CREATE TABLE rows (id text PRIMARY KEY)");
            cluster = started;
        }
        return cluster;
    }

    @AfterAll
    static void stopCluster() {
        if (cluster != null) {
            cluster.close();
        }
    }

    @Deployment(name = "probe", order = 1, testable = false)
    static WebArchive probe() {
        return ShrinkWrap.create(WebArchive.class, "rws-probe.war").addClass(ThreadsServlet.class);
    }

    @Deployment(name = APP, managed = false, testable = false)
    static EnterpriseArchive application() {
        PgCluster c = cluster();
        String url = Deployments.url(c, DB);
        String writer = Deployments.connectionDefinition("java:/jdbc/rws-writer", "rws-writer", url, c.superuser(),
                Map.of("Plugins", "failover,hostMonitoring", "ClusterInstanceHostPattern", c.instanceHostPattern()), 10, c);
        String reader = Deployments.connectionDefinition("java:/jdbc/rws-reader", "rws-reader", url, c.superuser(),
                Map.of("Plugins", "readWriteSplitting,failover,hostMonitoring", "Role", "reader",
                        "ClusterInstanceHostPattern", c.instanceHostPattern()), 10, c);
        WebArchive war = ShrinkWrap.create(WebArchive.class, "rws.war").addPackage(RwsServlet.class.getPackage())
                .addAsResource(Deployments.persistenceXml("reader", "java:/jdbc/rws-reader", Row.class), "META-INF/persistence.xml");
        return ShrinkWrap.create(EnterpriseArchive.class, "awsjca-rws.ear")
                .addAsModule(Deployments.resourceAdapter(Deployments.ironjacamarXml(writer, reader)))
                .addAsModule(war);
    }

    @ArquillianResource
    private Deployer deployer;

    @Test
    void aWriterAndAReaderDefinitionSideBySide(@ArquillianResource @OperateOnDeployment("probe") URL probe) throws Exception {
        URL app = new URL(probe, "/rws/");
        long logStart = ServerLog.position();
        deployer.deploy(APP);
        try {
            oneTransactionWritesOnTheWriterAndReadsOnAReader(app);
            aPersistenceUnitOnTheReaderDefinitionReadsOnAReaderAndCannotWrite(app);
            aReaderThatCrashesUnderAReadLoopIsLeftForTheOtherOne(app);
        } finally {
            deployer.undeploy(APP);
        }
        assertNothingLeft(probe, "after the first undeploy");
        for (int i = 2; i <= 3; i++) {
            deployer.deploy(APP);
            assertTrue(Http.get(app, "rws?op=read").endsWith(" reader"), "a read after redeploy " + i);
            deployer.undeploy(APP);
            assertNothingLeft(probe, "after undeploy " + i);
        }
        List<String> errors = new ArrayList<>(ServerLog.errorsSince(logStart));
        // Hibernate logs every failed statement at ERROR: the write refused on purpose above is one
        errors.removeIf(line -> line.contains("SqlExceptionHelper") && line.contains("cannot execute INSERT in a read-only transaction"));
        assertTrue(errors.isEmpty(), "server.log has errors:\n" + String.join("\n", errors));
    }

    private void oneTransactionWritesOnTheWriterAndReadsOnAReader(URL app) throws Exception {
        String id = "rw-" + UUID.randomUUID();
        String answer = Http.get(app, "rws?op=writeThenRead&id=" + id);
        // "writer <address> writer reader <address> reader seen 0"
        String[] w = answer.split(" ");
        assertEquals(8, w.length, answer);
        assertEquals("writer", w[2], "the write ran on the writer: " + answer);
        assertEquals("reader", w[5], "the read ran on a replica: " + answer);
        assertNotEquals(w[1], w[4], answer);
        assertEquals("0", w[7], "the reader's session does not see the uncommitted row: " + answer);
        assertEquals(1, countOnWriter(id), "the transaction committed (two-phase, the reader's branch read-only)");
        for (PgNode node : running()) {
            assertEquals("0", node.queryString("SELECT count(*) FROM pg_prepared_xacts"), "no transaction left prepared on " + node.name());
        }
    }

    private void aPersistenceUnitOnTheReaderDefinitionReadsOnAReaderAndCannotWrite(URL app) throws Exception {
        String id = "jpa-" + UUID.randomUUID();
        cluster().execute(cluster().writer(), DB, "INSERT INTO rows (id) VALUES ('" + id + "')");
        String found = "";
        long deadline = System.nanoTime() + 10_000_000_000L;
        while (!found.startsWith("found true") && System.nanoTime() < deadline) {
            found = Http.get(app, "rws?op=find&id=" + id); // until the replica replayed the insert
            Thread.sleep(20);
        }
        assertTrue(found.startsWith("found true") && found.endsWith(" reader"), "read on a replica: " + found);

        String refused = Http.get(app, "rws?op=persist&id=jpa-write-" + UUID.randomUUID());
        assertTrue(refused.startsWith("ERROR 25006 "), "a write through the reader definition: " + refused);
        assertTrue(refused.contains("role=reader"), "the message names the definition: " + refused);
    }

    private void aReaderThatCrashesUnderAReadLoopIsLeftForTheOtherOne(URL app) throws Exception {
        String last = "";
        for (int i = 0; i < 20; i++) {
            last = Http.get(app, "rws?op=read");
            assertTrue(last.endsWith(" reader"), last);
        }
        PgNode crashed = nodeAt(last.split(" ")[0]);
        PgNode other = cluster().replicas().stream().filter(n -> n != crashed).findFirst().orElseThrow();
        cluster().crash(crashed);
        long crashedAt = System.nanoTime();
        List<String> failures = new ArrayList<>();
        long firstGoodRead = -1;
        int goodAfter = 0;
        while (goodAfter < 30 && System.nanoTime() - crashedAt < 30_000_000_000L) {
            String r = Http.get(app, "rws?op=read");
            if (r.startsWith("ERROR")) {
                assertTrue(goodAfter == 0, "a read failed after reads had resumed: " + r);
                failures.add(r);
            } else {
                // until the topology drops the crashed replica a new connection may fall back to the writer
                assertNotEquals(crashed.host(), r.split(" ")[0], "a read on the crashed replica: " + r);
                if (firstGoodRead < 0) {
                    firstGoodRead = System.nanoTime();
                }
                goodAfter++;
                if (goodAfter > 20) {
                    assertEquals(other.host() + " reader", r, "once settled, reads go to the other replica");
                }
            }
        }
        assertEquals(30, goodAfter, "reads resumed on " + other.name() + "; failures: " + failures);
        long resumedMs = (firstGoodRead - crashedAt) / 1_000_000;
        assertTrue(resumedMs < 10_000, "reads resumed " + resumedMs + " ms after the crash; failures: " + failures);
        for (String f : failures) {
            assertTrue(f.startsWith("ERROR 08"), "a read lost with the reader fails as a connection failure: " + f);
        }
        cluster().rejoin(crashed);
    }

    private void assertNothingLeft(URL probe, String when) throws Exception {
        long deadline = System.nanoTime() + 10_000_000_000L;
        List<String> threads = threads(probe);
        int sessions = sessions();
        while ((!threads.isEmpty() || sessions > 0) && System.nanoTime() < deadline) {
            Thread.sleep(100);
            threads = threads(probe);
            sessions = sessions();
        }
        assertEquals(List.of(), threads, "adapter threads " + when);
        assertEquals(0, sessions, "database sessions " + when);
    }

    private static List<String> threads(URL probe) throws Exception {
        String body = Http.get(probe, "threads");
        return body.isEmpty() ? List.of() : List.of(body.split("\n"));
    }

    /** Sessions in the test database or of the adapter's monitors, on every running node. */
    private static int sessions() {
        int n = 0;
        for (PgNode node : running()) {
            n += Integer.parseInt(node.queryString("SELECT count(*) FROM pg_stat_activity WHERE backend_type = 'client backend'"
                    + " AND pid <> pg_backend_pid() AND (datname = '" + DB + "' OR application_name LIKE 'aws-advanced-jca%')"));
        }
        return n;
    }

    private static List<PgNode> running() {
        return cluster().nodes().stream().filter(PgNode::isRunning).toList();
    }

    /** The node whose server listens on this address (each node has a loopback address of its own). */
    private static PgNode nodeAt(String address) {
        return cluster().nodes().stream().filter(n -> n.host().equals(address)).findFirst()
                .orElseThrow(() -> new AssertionError("no node listens on " + address));
    }

    private static int countOnWriter(String id) throws SQLException {
        try (Connection c = database.connect(); PreparedStatement ps = c.prepareStatement("SELECT count(*) FROM rows WHERE id = ?")) {
            ps.setString(1, id);
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getInt(1);
            }
        }
    }
}
