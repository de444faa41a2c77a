package dev.awsjca.it;

import dev.awsjca.it.hardening.HardeningServlet;
import dev.awsjca.it.lob.LobDocument;
import dev.awsjca.it.lob.LobServlet;
import dev.awsjca.it.probe.LoadersServlet;
import dev.awsjca.testkit.PgCluster;
import org.jboss.arquillian.container.test.api.Deployer;
import org.jboss.arquillian.container.test.api.Deployment;
import org.jboss.arquillian.container.test.api.OperateOnDeployment;
import org.jboss.arquillian.junit5.ArquillianExtension;
import org.jboss.arquillian.test.api.ArquillianResource;
import org.jboss.as.arquillian.container.ManagementClient;
import org.jboss.as.controller.client.helpers.Operations;
import org.jboss.dmr.ModelNode;
import org.jboss.shrinkwrap.api.ShrinkWrap;
import org.jboss.shrinkwrap.api.spec.ResourceAdapterArchive;
import org.jboss.shrinkwrap.api.spec.WebArchive;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.io.File;
import java.io.IOException;
import java.net.URL;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * Issue 12 in WildFly, the production way (the rar as built, deployed on its own and configured in the
 * resource-adapters subsystem; the application in a war of its own):
 * defect 8, the application sees the database's SQLState when a login fails (28P01, 3D000, 53300), not
 * IronJacamar's 08001; defect 10, a prefilled pool (min-pool-size 2, prefill) holds two open sessions
 * as soon as it is deployed and serves checkouts from them; defect 7, an application redeployed five times
 * against the standalone rar leaves its class loader in none of the adapter's threads; defect 16, a JPA
 * entity with a @Lob (a PostgreSQL large object, oid) is stored and read in JTA transactions on the
 * adapter's XA definition (pgjdbc 42.7.14 refuses large objects in its own XA branches: 25P01).
 */
@ExtendWith(ArquillianExtension.class)
class AdapterHardeningIT {

    private static final String RAR = "aws-jca-hardening.rar";
    private static final String APP_MODULE = "deployment.hardening.war";
    private static final String WRONG_PASSWORD = "Wrong-" + UUID.randomUUID();
    private static final String LIMITED = "limited_role";
    private static final String DB = "hardening";
    private static final String PREFILL_DB = "prefilled";

    private static PgCluster cluster;

    @Deployment(name = "probe", order = 1, testable = false)
    static WebArchive probe() {
        return ShrinkWrap.create(WebArchive.class, "hardening-probe.war").addClass(LoadersServlet.class);
    }

    @Deployment(name = "rar", managed = false, testable = false)
    static ResourceAdapterArchive rar() {
        File rar = new File(System.getProperty("awsjca.it.rar", "target/deps/rar.rar"));
        return ShrinkWrap.create(ResourceAdapterArchive.class, RAR)
                .merge(ShrinkWrap.createFromZipFile(ResourceAdapterArchive.class, rar));
    }

    @Deployment(name = "app", managed = false, testable = false)
    static WebArchive app() {
        return ShrinkWrap.create(WebArchive.class, "hardening.war").addClass(HardeningServlet.class);
    }

    @Deployment(name = "lob", managed = false, testable = false)
    static WebArchive lobApp() {
        return ShrinkWrap.create(WebArchive.class, "lob.war").addPackage(LobServlet.class.getPackage())
                .addAsResource(Deployments.persistenceXml("lobs", "java:/jdbc/hard-xa", LobDocument.class), "META-INF/persistence.xml");
    }

    @ArquillianResource
    private Deployer deployer;

    @ArquillianResource
    private ManagementClient management;

    @BeforeAll
    static void startCluster() {
        cluster = PgCluster.builder().replicas(0).start();
        cluster.createDatabase(DB);
        cluster.createDatabase(PREFILL_DB);
        cluster.execute(cluster.writer(), DB, "CREATE ROLE " + LIMITED + " LOGIN PASSWORD 'limited' CONNECTION LIMIT 0",
                "CREATE TABLE lob_document (id bigint PRIMARY KEY, content oid)");
    }

    @AfterAll
    static void stopCluster() {
        if (cluster != null) {
            cluster.close();
        }
    }

    @Test
    void errorsPrefillAndRedeploysInWildFly(@ArquillianResource @OperateOnDeployment("probe") URL probe) throws Exception {
        long logStart = ServerLog.position();
        configure();
        try {
            deployer.deploy("rar");
            aPrefilledPoolIsFilledAtDeployAndServesCheckouts(probe);
            deployer.deploy("app");
            URL app = new URL(probe, "/hardening/");
            theApplicationSeesTheDatabasesSqlState(app);
            deployer.undeploy("app");
            aLobEntityIsStoredAndReadInJtaTransactions(probe);
            redeployedApplicationsLeaveNoClassLoaderInTheAdaptersThreads(probe);
        } finally {
            undeployQuietly("lob");
            undeployQuietly("app");
            undeployQuietly("rar");
            execute(Operations.createRemoveOperation(adapterAddress()));
        }
        assertEquals(List.of(), ServerLog.linesContaining(logStart, List.of(WRONG_PASSWORD)), "server.log shows a password");
    }

    /** Defect 8: IronJacamar wraps the adapter's failure; the application still gets the database's SQLState. */
    private static void theApplicationSeesTheDatabasesSqlState(URL app) throws Exception {
        assertEquals("28P01", Http.get(app, "hardening?op=state&jndi=java:/jdbc/hard-badpw"), "wrong password");
        assertEquals("3D000", Http.get(app, "hardening?op=state&jndi=java:/jdbc/hard-nodb"), "unknown database");
        assertEquals("53300", Http.get(app, "hardening?op=state&jndi=java:/jdbc/hard-limited"), "too many connections");
        assertEquals("ok", Http.get(app, "hardening?op=state&jndi=java:/jdbc/hard-threads"));
    }

    /** Defect 16: Hibernate writes the large object with setBlob and reads it with getBlob, inside XA branches. */
    private void aLobEntityIsStoredAndReadInJtaTransactions(URL probe) throws Exception {
        deployer.deploy("lob");
        try {
            URL lob = new URL(probe, "/lob/");
            assertEquals("stored", Http.get(lob, "lob?op=store&id=1&size=100000"));
            assertEquals("same", Http.get(lob, "lob?op=read&id=1&size=100000"));
        } finally {
            deployer.undeploy("lob");
        }
    }

    /** Defect 10: connections made for the prefill are real sessions, and a checkout takes one of them. */
    private void aPrefilledPoolIsFilledAtDeployAndServesCheckouts(URL probe) throws Exception {
        long deadline = System.nanoTime() + 30_000_000_000L; // the pool fills in the background: a loaded machine is slow
        int sessions = sessions(PREFILL_DB);
        while (sessions < 2 && System.nanoTime() < deadline) {
            Thread.sleep(100);
            sessions = sessions(PREFILL_DB);
        }
        assertEquals(2, sessions, "sessions of the prefilled pool (min-pool-size 2) before any checkout");
        deployer.deploy("app");
        try {
            assertEquals("1", Http.get(new URL(probe, "/hardening/"), "hardening?op=use&jndi=java:/jdbc/hard-prefill"));
            assertEquals(2, sessions(PREFILL_DB), "the checkout used a prefilled connection");
        } finally {
            deployer.undeploy("app");
        }
    }

    /**
     * Defect 7: each cycle deploys the application, which opens a connection whose monitors start on its
     * request thread, undeploys it, and looks at the adapter's threads. The pool is flushed first, so
     * that every cycle starts the monitors anew.
     */
    private void redeployedApplicationsLeaveNoClassLoaderInTheAdaptersThreads(URL probe) throws Exception {
        for (int i = 1; i <= 5; i++) {
            flushPool("threads");
            deployer.deploy("app");
            assertEquals("1", Http.get(new URL(probe, "/hardening/"), "hardening?op=use&jndi=java:/jdbc/hard-threads"));
            deployer.undeploy("app");
            assertEquals("", Http.get(probe, "loaders?module=" + APP_MODULE),
                    "adapter threads holding the undeployed application's class loader, cycle " + i);
        }
    }

    private static int sessions(String database) throws SQLException {
        try (Connection c = DriverManager.getConnection(cluster.jdbcUrl("postgres"), cluster.superuser(), cluster.password());
             Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT count(*) FROM pg_stat_activity WHERE datname = '" + database + "'"
                     + " AND pid <> pg_backend_pid()")) {
            rs.next();
            return rs.getInt(1);
        }
    }

    // ---- the server configuration

    private static ModelNode adapterAddress() {
        return Operations.createAddress("subsystem", "resource-adapters", "resource-adapter", RAR);
    }

    private void configure() throws IOException {
        Operations.CompositeOperationBuilder ops = Operations.CompositeOperationBuilder.create();
        ModelNode addAdapter = Operations.createAddOperation(adapterAddress());
        addAdapter.get("archive").set(RAR);
        addAdapter.get("transaction-support").set("XATransaction");
        ops.addStep(addAdapter);
        String writer = "jdbc:aws-wrapper:postgresql://" + cluster.writer().host() + ":" + cluster.writer().port() + "/";
        addDefinition(ops, "badpw", writer + DB, cluster.superuser(), WRONG_PASSWORD, "failover", 0, false);
        addDefinition(ops, "nodb", writer + "no_such_database", cluster.superuser(), cluster.password(), "failover", 0, false);
        addDefinition(ops, "limited", writer + DB, LIMITED, "limited", "failover", 0, false);
        addDefinition(ops, "prefill", writer + PREFILL_DB, cluster.superuser(), cluster.password(), "none", 2, true);
        addDefinition(ops, "threads", writer + DB, cluster.superuser(), cluster.password(), "failover,hostMonitoring", 0, false);
        addDefinition(ops, "xa", writer + DB, cluster.superuser(), cluster.password(), "failover", 0, false);
        execute(ops.build().getOperation());
    }

    private static void addDefinition(Operations.CompositeOperationBuilder ops, String name, String url, String user, String password,
                                      String plugins, int minPool, boolean prefill) {
        ModelNode address = adapterAddress().clone();
        address.add("connection-definitions", name);
        ModelNode add = Operations.createAddOperation(address);
        add.get("class-name").set("dev.awsjca.ra.AwsManagedConnectionFactory");
        add.get("jndi-name").set("java:/jdbc/hard-" + name);
        add.get("min-pool-size").set(minPool);
        add.get("max-pool-size").set(5);
        add.get("pool-prefill").set(prefill);
        add.get("validate-on-match").set(true);
        if (prefill) {
            add.get("no-recovery").set(true); // its sessions are the pool's alone, counted by the test
        } else {
            add.get("recovery-username").set(cluster.superuser());
            add.get("recovery-password").set(cluster.password());
        }
        ops.addStep(add);
        Map<String, String> properties = new LinkedHashMap<>();
        properties.put("Url", url);
        properties.put("User", user);
        properties.put("Password", password);
        properties.put("Plugins", plugins);
        properties.put("ClusterInstanceHostPattern", cluster.instanceHostPattern());
        properties.forEach((property, value) -> {
            ModelNode propertyAddress = address.clone();
            propertyAddress.add("config-properties", property);
            ModelNode addProperty = Operations.createAddOperation(propertyAddress);
            addProperty.get("value").set(value);
            ops.addStep(addProperty);
        });
    }

    private void flushPool(String definition) throws IOException {
        ModelNode address = adapterAddress().clone();
        address.add("connection-definitions", definition);
        execute(Operations.createOperation("flush-all-connection-in-pool", address));
    }

    private void execute(ModelNode operation) throws IOException {
        ModelNode result = management.getControllerClient().execute(operation);
        if (!Operations.isSuccessfulOutcome(result)) {
            throw new AssertionError("management operation failed: " + Operations.getFailureDescription(result));
        }
    }

    private void undeployQuietly(String name) {
        try {
            deployer.undeploy(name);
        } catch (RuntimeException ignored) {
            // not deployed
        }
    }
}
