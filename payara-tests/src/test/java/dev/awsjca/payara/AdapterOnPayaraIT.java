package dev.awsjca.payara;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

import java.net.URL;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The rar as built on Payara, configured with asadmin as a user does: JNDI lookup and @Resource, CMT and
 * BMT commit and rollback, XA over two databases as one; no SEVERE on deploy and first use, no secret in
 * the log, no socket off the loopback interface; ping-connection-pool checks the database and the
 * configuration.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class AdapterOnPayaraIT {

    private static long logAtDeploy;
    private static URL app;

    @BeforeAll
    static void deploy() {
        TestCluster.get().restoreHealth();
        logAtDeploy = ServerLog.position();
        Adapter.ensureDeployed();
        app = PayaraDomain.get().http(Adapter.APP);
    }

    @Test
    @Order(1)
    void theDataSourceIsFoundInJndiAndInjected() {
        String jndi = Http.get(app, "rows?op=jndi");
        assertTrue(jndi.endsWith(" " + TestCluster.FIRST), jndi);
        assertTrue(jndi.startsWith("dev.awsjca.ra."), "the adapter's connection factory: " + jndi);
        assertEquals(TestCluster.FIRST, Http.get(app, "rows?op=inject"));
    }

    @Test
    @Order(2)
    void containerManagedTransactionsCommitAndRollBack() throws Exception {
        String kept = UUID.randomUUID().toString();
        String dropped = UUID.randomUUID().toString();
        assertEquals("ok", Http.get(app, "rows?op=cmt&commit=true&id=" + kept));
        assertEquals("ok", Http.get(app, "rows?op=cmt&commit=false&id=" + dropped));
        assertEquals(1, TestCluster.count(TestCluster.FIRST, kept));
        assertEquals(0, TestCluster.count(TestCluster.FIRST, dropped));
    }

    @Test
    @Order(3)
    void beanManagedTransactionsCommitAndRollBack() throws Exception {
        String kept = UUID.randomUUID().toString();
        String dropped = UUID.randomUUID().toString();
        assertEquals("ok", Http.get(app, "rows?op=bmt&commit=true&id=" + kept));
        assertEquals("ok", Http.get(app, "rows?op=bmt&commit=false&id=" + dropped));
        assertEquals(1, TestCluster.count(TestCluster.FIRST, kept));
        assertEquals(0, TestCluster.count(TestCluster.FIRST, dropped));
    }

    @Test
    @Order(4)
    void xaOverTwoDatabasesCommitsAndRollsBackAsOne() throws Exception {
        String both = UUID.randomUUID().toString();
        String neither = UUID.randomUUID().toString();
        assertEquals("ok", Http.get(app, "rows?op=xa&commit=true&id=" + both));
        assertEquals("ok", Http.get(app, "rows?op=xa&commit=false&id=" + neither));
        assertEquals(1, TestCluster.count(TestCluster.FIRST, both));
        assertEquals(1, TestCluster.count(TestCluster.SECOND, both));
        assertEquals(0, TestCluster.count(TestCluster.FIRST, neither));
        assertEquals(0, TestCluster.count(TestCluster.SECOND, neither));

        // the second branch fails (the row is there already): the first, already written, rolls back too
        String clash = UUID.randomUUID().toString();
        TestCluster.get().writer().execute(TestCluster.SECOND, "INSERT INTO rows (id) VALUES ('" + clash + "')");
        assertThrowsHttp500("rows?op=xa-fail-second&id=" + clash);
        assertEquals(0, TestCluster.count(TestCluster.FIRST, clash));
        assertEquals(0, TestCluster.prepared(TestCluster.get().writer()));
    }

    @Test
    @Order(5)
    void deployAndFirstUseLogNoSevere() {
        List<String> severe = ServerLog.severeSince(logAtDeploy);
        assertEquals(List.of(), severe, "SEVERE records in server.log since the rar was deployed");
    }

    @Test
    @Order(6)
    void pingConnectionPoolReachesTheDatabase() {
        String out = PayaraDomain.get().asadmin("ping-connection-pool", "aws");
        assertTrue(out.contains("executed successfully"), out);
    }

    @Test
    @Order(7)
    void pingFailsForAnUnreachableDatabaseAndForABadValueNamingTheProperty() {
        PayaraDomain payara = PayaraDomain.get();
        // no topology that could name another writer: only this host, where nothing listens
        Map<String, String> unreachable = new TreeMap<>(Map.of("Url", "jdbc:aws-wrapper:postgresql://127.0.0.1:1/app1?connectTimeout=2",
                "User", TestCluster.APP_USER, "Password", "${ALIAS=" + Adapter.PASSWORD_ALIAS + "}", "FailoverTimeoutMs", "2000"));
        Adapter.createPool("nobody-listens", unreachable);
        Map<String, String> badValue = new TreeMap<>(Adapter.standardProperties(TestCluster.FIRST));
        badValue.put("FailoverTimeoutMs", "-5");
        Adapter.createPool("bad-value", badValue);
        try {
            PayaraDomain.Result r = payara.tryAsadmin("ping-connection-pool", "nobody-listens");
            assertNotEquals(0, r.exitCode(), r.output());
            assertTrue(r.output().contains("127.0.0.1:1"), r.output());

            r = payara.tryAsadmin("ping-connection-pool", "bad-value");
            assertNotEquals(0, r.exitCode(), r.output());
            assertTrue(r.output().contains("FailoverTimeoutMs") && r.output().contains("-5"), r.output());
            System.out.println("ping-connection-pool of a pool with FailoverTimeoutMs=-5:\n" + r.output());
        } finally {
            payara.asadmin("delete-connector-connection-pool", "nobody-listens");
            payara.asadmin("delete-connector-connection-pool", "bad-value");
        }
    }

    /**
     * The same configuration as a glassfish-resources.xml file, added server-wide with add-resources, the
     * password given as a password alias, as for every pool here (neither the file nor domain.xml holds it).
     */
    @Test
    @Order(8)
    void aGlassfishResourcesFileWithAPasswordAliasConfiguresTheSamePool() throws Exception {
        PayaraDomain payara = PayaraDomain.get();
        java.nio.file.Path work = java.nio.file.Path.of(System.getProperty("payara.work", "target/payara-work"));
        StringBuilder properties = new StringBuilder();
        Adapter.standardProperties(TestCluster.SECOND).forEach((name, value) -> properties.append(
                "    <property name=\"%s\" value=\"%s\"/>\n".formatted(name, xml(value))));
        String resources = """
                <?xml version="1.0" encoding="UTF-8"?>
                <!DOCTYPE resources PUBLIC "-//GlassFish.org//DTD GlassFish Application Server 3.1 Resource Definitions//EN"
                    "http://glassfish.org/dtds/glassfish-resources_1_5.dtd">
                <resources>
                  <connector-connection-pool name="from-file" resource-adapter-name="%s"
                      connection-definition-name="javax.sql.DataSource" transaction-support="XATransaction"
                      is-connection-validation-required="true" fail-all-connections="true" steady-pool-size="0" max-pool-size="10">
                %s  </connector-connection-pool>
                  <connector-resource jndi-name="jdbc/from-file" pool-name="from-file"/>
                </resources>
                """.formatted(Adapter.RAR_NAME, properties);
        assertFalse(resources.contains(TestCluster.get().password()));
        java.nio.file.Path file = work.resolve("glassfish-resources.xml");
        java.nio.file.Files.writeString(file, resources);
        try {
            payara.asadmin("add-resources", file.toAbsolutePath().toString());
            String out = payara.asadmin("ping-connection-pool", "from-file");
            assertTrue(out.contains("executed successfully"), out);
            assertFalse(java.nio.file.Files.readString(PayaraDomain.get().domainDir().resolve("config").resolve("domain.xml"))
                    .contains(TestCluster.get().password()), "domain.xml holds the password");
        } finally {
            payara.tryAsadmin("delete-connector-resource", "jdbc/from-file");
            payara.tryAsadmin("delete-connector-connection-pool", "from-file");
        }
    }

    @Test
    @Order(9)
    void noPasswordInTheLog() {
        List<String> found = ServerLog.linesContaining(0, List.of(TestCluster.get().password()));
        assertEquals(List.of(), found, "server.log shows the database password");
    }

    @Test
    @Order(10)
    void thePayaraJvmHasNoSocketOffTheLoopbackInterface() {
        long pid = PayaraDomain.get().pid();
        assertTrue(Sockets.count(pid) > 0, "the check sees the server's sockets");
        assertEquals(List.of(), Sockets.nonLoopback(pid), "sockets of the Payara JVM off 127.0.0.0/8");
    }

    private static String xml(String s) {
        return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\"", "&quot;");
    }

    private static void assertThrowsHttp500(String pathAndQuery) {
        try {
            Http.get(app, pathAndQuery);
        } catch (AssertionError expected) {
            assertTrue(expected.getMessage().startsWith("HTTP 500"), expected.getMessage());
            return;
        }
        assertFalse(true, pathAndQuery + " succeeded");
    }
}
