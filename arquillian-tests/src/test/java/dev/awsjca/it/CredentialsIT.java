package dev.awsjca.it;

import dev.awsjca.it.credentials.CredentialsServlet;
import dev.awsjca.testkit.PgCluster;
import dev.awsjca.testkit.aws.AwsTestCredentials;
import dev.awsjca.testkit.aws.iam.BindAttempt;
import dev.awsjca.testkit.aws.iam.IamTokenLdapServer;
import dev.awsjca.testkit.aws.iam.RdsEndpoint;
import dev.awsjca.testkit.aws.iam.TokenCheck;
import dev.awsjca.testkit.aws.secretsmanager.LocalSecretsManager;
import org.jboss.arquillian.container.test.api.Deployer;
import org.jboss.arquillian.container.test.api.Deployment;
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
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.Consumer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The credential plugins in WildFly, configured the production way: the rar as built, two connection
 * definitions in the resource-adapters subsystem (one with {@code plugins=failover,iam} and no password,
 * one with {@code plugins=secretsManager} and no user or password), the AWS credentials as system
 * properties of the server JVM (the SDK's default chain reads them), written through the management API
 * as the README's jboss-cli commands do. PostgreSQL checks the IAM tokens through the testkit's LDAP
 * verifier; the secret comes from the testkit's local Secrets Manager; both run in this (client) JVM and
 * check SigV4 with the test credentials. A CMT bean writes rows, committed and rolled back; rows are
 * counted with raw pgjdbc. The server log of the run must hold no secret key, token or password.
 */
@ExtendWith(ArquillianExtension.class)
class CredentialsIT {

    private static final String RAR = "aws-jca-credentials.rar";
    private static final String DATABASE = "creds";
    private static final String REGION = "eu-central-1";
    private static final AwsTestCredentials AWS = AwsTestCredentials.of("AKIDWILDFLYCREDS01", "wildfly-it-secret-access-key");
    private static final String IAM_USER = "iam_wildfly";
    private static final String SECRET_USER = "sm_wildfly";
    private static final String SECRET_PASSWORD = "sm-" + UUID.randomUUID();
    private static final String SECRET_ID = "wildfly/creds";
    private static final String ROTATED_PASSWORD = "sm-rotated-" + UUID.randomUUID();
    private static final String RECOVERY_PLACEHOLDER = "replaced-by-the-plugin";

    private static IamTokenLdapServer ldap;
    private static LocalSecretsManager secretsManager;
    private static PgCluster cluster;

    @Deployment(name = "probe", order = 1, testable = false)
    static WebArchive probe() {
        return Deployments.probe();
    }

    @Deployment(name = "rar", managed = false, testable = false)
    static ResourceAdapterArchive rar() {
        File rar = new File(System.getProperty("awsjca.it.rar", "target/deps/rar.rar"));
        return ShrinkWrap.create(ResourceAdapterArchive.class, RAR)
                .merge(ShrinkWrap.createFromZipFile(ResourceAdapterArchive.class, rar));
    }

    @Deployment(name = "app", managed = false, testable = false)
    static WebArchive app() {
        return ShrinkWrap.create(WebArchive.class, "credentials.war").addPackage(CredentialsServlet.class.getPackage());
    }

    @ArquillianResource
    private Deployer deployer;

    @ArquillianResource
    private ManagementClient management;

    @BeforeAll
    static void startEndpointsAndCluster() {
        ldap = IamTokenLdapServer.builder().region(REGION).credentials(AWS).start();
        cluster = PgCluster.builder().replicas(0)
                .hbaRules(List.of(ldap.pgHbaLine("hostssl", "all", IAM_USER, "127.0.0.0/8", "")))
                .start();
        ldap.acceptEndpointsOf(cluster);
        cluster.createDatabase(DATABASE);
        cluster.execute(cluster.writer(), DATABASE,
                "CREATE ROLE " + IAM_USER + " LOGIN", // no password: PostgreSQL asks the LDAP verifier
                "CREATE ROLE " + SECRET_USER + " LOGIN PASSWORD '" + SECRET_PASSWORD + "'",
                "CREATE TABLE rows (id text PRIMARY KEY)",
                "GRANT SELECT, INSERT ON rows TO " + IAM_USER + ", " + SECRET_USER);
        secretsManager = LocalSecretsManager.builder().region(REGION).credentials(AWS).start();
        secretsManager.putSecretJson(SECRET_ID, Map.of("username", SECRET_USER, "password", SECRET_PASSWORD));
    }

    @AfterAll
    static void stopEndpointsAndCluster() {
        if (cluster != null) {
            cluster.close();
        }
        if (secretsManager != null) {
            secretsManager.close();
        }
        if (ldap != null) {
            ldap.close();
        }
    }

    @Test
    void iamAndSecretsManagerDefinitionsServeCmtWorkWithNoSecretInTheLog() throws Exception {
        long logStart = ServerLog.position();
        configure();
        // from before the deploy: the server's periodic recovery may log in (and read the secret) first
        int secretReadsBeforeDeploy = secretsManager.calls().successfulGetSecretValue(SECRET_ID);
        try {
            deployer.deploy("rar");
            deployer.deploy("app");
            URL app = new URL("http://127.0.0.1:" + System.getProperty("wildfly.http.port", "8280") + "/credentials/");
            assertEquals("true true", Http.get(app, "credentials?def=metadata"), "the SDK in the server may not ask the instance metadata address");

            iamLogsInWithTokensCheckedByPostgres(app);
            aRefusedCachedTokenIsReplacedOnce(app);
            secretsManagerLogsInWithTheSecret(app, secretReadsBeforeDeploy);
            aRotatedSecretIsReadAgainOnce(app);

            List<String> errors = ServerLog.errorsSince(logStart);
            assertTrue(errors.isEmpty(), "server.log has errors:\n" + String.join("\n", errors));
        } finally {
            undeployQuietly("app");
            undeployQuietly("rar");
            unconfigure();
        }
        List<String> leaks = ServerLog.linesContaining(logStart,
                List.of(AWS.secretAccessKey(), SECRET_PASSWORD, ROTATED_PASSWORD, "X-Amz-Signature", "X-Amz-Credential", "Amz-Security-Token"));
        assertEquals(List.of(), leaks, "server.log shows a secret key, a token or a password");
    }

    /** A CMT bean commits one row and rolls another back, as the IAM user, each login accepted by the verifier. */
    private void iamLogsInWithTokensCheckedByPostgres(URL app) throws Exception {
        ldap.binds().reset();
        commitAndRollBack(app, "iam", IAM_USER);
        List<BindAttempt> binds = ldap.binds().all();
        assertTrue(!binds.isEmpty(), "PostgreSQL asked the LDAP verifier");
        for (BindAttempt bind : binds) {
            assertEquals(IAM_USER, bind.dbUser());
            assertEquals(TokenCheck.ACCEPTED, bind.check(), bind.detail());
            assertEquals(RdsEndpoint.of(cluster.writer().host(), cluster.writer().port()), bind.signedFor());
        }
    }

    /** A new physical connection whose cached token PostgreSQL refuses logs in with a fresh one. */
    private void aRefusedCachedTokenIsReplacedOnce(URL app) throws Exception {
        flushPool("iam");
        ldap.binds().reset();
        ldap.refuseNextBinds(1);
        commitAndRollBack(app, "iam", IAM_USER);
        assertEquals(1, ldap.binds().refused(), "the cached token, refused once");
        assertTrue(ldap.binds().last().accepted(), "then a fresh token: " + ldap.binds().last().detail());
    }

    private void secretsManagerLogsInWithTheSecret(URL app, int readsBefore) throws Exception {
        commitAndRollBack(app, "secrets", SECRET_USER);
        assertTrue(secretsManager.calls().successfulGetSecretValue(SECRET_ID) > readsBefore, "the secret was read from the local endpoint");
    }

    /** The password changes in the database and in the secret: the next new login reads the secret again, once. */
    private void aRotatedSecretIsReadAgainOnce(URL app) throws Exception {
        cluster.execute(cluster.writer(), "postgres", "ALTER ROLE " + SECRET_USER + " PASSWORD '" + ROTATED_PASSWORD + "'");
        secretsManager.putSecretJson(SECRET_ID, Map.of("username", SECRET_USER, "password", ROTATED_PASSWORD));
        flushPool("secrets");
        int readsBefore = secretsManager.calls().successfulGetSecretValue(SECRET_ID);
        commitAndRollBack(app, "secrets", SECRET_USER);
        assertEquals(readsBefore + 1, secretsManager.calls().successfulGetSecretValue(SECRET_ID));
    }

    private static void commitAndRollBack(URL app, String definition, String user) throws Exception {
        String kept = UUID.randomUUID().toString();
        String dropped = UUID.randomUUID().toString();
        assertEquals(user, Http.get(app, "credentials?def=" + definition + "&commit=true&id=" + kept));
        assertEquals(user, Http.get(app, "credentials?def=" + definition + "&commit=false&id=" + dropped));
        assertEquals(1, count(kept), definition + ": committed row");
        assertEquals(0, count(dropped), definition + ": rolled back row");
    }

    /** The pool's connections are closed: the next use opens a new physical connection (a new login). */
    private void flushPool(String definition) throws IOException {
        ModelNode address = adapterAddress().clone();
        address.add("connection-definitions", definition);
        execute(Operations.createOperation("flush-all-connection-in-pool", address));
    }

    private static int count(String id) throws SQLException {
        try (Connection conn = DriverManager.getConnection(cluster.jdbcUrl(DATABASE), cluster.superuser(), cluster.password());
             PreparedStatement ps = conn.prepareStatement("select count(*) from rows where id = ?")) {
            ps.setString(1, id);
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getInt(1);
            }
        }
    }

    // ---- the server configuration, as the README's jboss-cli commands write it

    private static ModelNode adapterAddress() {
        return Operations.createAddress("subsystem", "resource-adapters", "resource-adapter", RAR);
    }

    private static ModelNode systemProperty(String name) {
        return Operations.createAddress("system-property", name);
    }

    private static ModelNode logger() {
        return Operations.createAddress("subsystem", "logging", "logger", "dev.awsjca");
    }

    private void configure() throws IOException {
        Operations.CompositeOperationBuilder ops = Operations.CompositeOperationBuilder.create();
        // the AWS credentials of the server JVM, for the SDK's default chain
        ModelNode keyId = Operations.createAddOperation(systemProperty("aws.accessKeyId"));
        keyId.get("value").set(AWS.accessKeyId());
        ops.addStep(keyId);
        ModelNode secretKey = Operations.createAddOperation(systemProperty("aws.secretAccessKey"));
        secretKey.get("value").set(AWS.secretAccessKey());
        ops.addStep(secretKey);
        // the adapter's own logging at DEBUG, so that the log check sees everything it says
        ModelNode debug = Operations.createAddOperation(logger());
        debug.get("level").set("DEBUG");
        ops.addStep(debug);

        ModelNode addAdapter = Operations.createAddOperation(adapterAddress());
        addAdapter.get("archive").set(RAR);
        addAdapter.get("transaction-support").set("XATransaction");
        ops.addStep(addAdapter);

        Map<String, String> iam = new LinkedHashMap<>();
        iam.put("Url", "jdbc:aws-wrapper:postgresql://" + cluster.writer().host() + ":" + cluster.writer().port() + "/" + DATABASE
                + "?sslmode=require");
        iam.put("User", IAM_USER);
        iam.put("Plugins", "failover,iam");
        iam.put("ClusterInstanceHostPattern", cluster.instanceHostPattern());
        iam.put("IamRegion", REGION);
        // XA recovery logs in as this user with a token of its own. WildFly enables recovery only with a
        // recovery password; iam replaces it with a token, so it is a placeholder (never sent to the database)
        addDefinition(ops, "iam", "java:/jdbc/aws-iam", iam, d -> {
            d.get("recovery-username").set(IAM_USER);
            d.get("recovery-password").set(RECOVERY_PLACEHOLDER);
        });

        Map<String, String> secrets = new LinkedHashMap<>();
        secrets.put("Url", "jdbc:aws-wrapper:postgresql://" + cluster.writer().host() + ":" + cluster.writer().port() + "/" + DATABASE);
        secrets.put("Plugins", "secretsManager");
        secrets.put("SecretId", SECRET_ID);
        secrets.put("Region", REGION);
        secrets.put("SecretsManagerEndpoint", secretsManager.endpoint().toString());
        // XA recovery logs in with the secret's login too (the secret wins over the Subject's): placeholders
        addDefinition(ops, "secrets", "java:/jdbc/aws-secrets", secrets, d -> {
            d.get("recovery-username").set(SECRET_USER);
            d.get("recovery-password").set(RECOVERY_PLACEHOLDER);
        });
        execute(ops.build().getOperation());
    }

    private static void addDefinition(Operations.CompositeOperationBuilder ops, String name, String jndi, Map<String, String> properties,
            Consumer<ModelNode> recovery) {
        ModelNode address = adapterAddress().clone();
        address.add("connection-definitions", name);
        ModelNode add = Operations.createAddOperation(address);
        add.get("class-name").set("dev.awsjca.ra.AwsManagedConnectionFactory");
        add.get("jndi-name").set(jndi);
        add.get("min-pool-size").set(0);
        add.get("max-pool-size").set(10);
        add.get("validate-on-match").set(true);
        recovery.accept(add);
        ops.addStep(add);
        properties.forEach((property, value) -> {
            ModelNode propertyAddress = address.clone();
            propertyAddress.add("config-properties", property);
            ModelNode addProperty = Operations.createAddOperation(propertyAddress);
            addProperty.get("value").set(value);
            ops.addStep(addProperty);
        });
    }

    private void unconfigure() throws IOException {
        for (ModelNode address : List.of(adapterAddress(), logger(), systemProperty("aws.accessKeyId"), systemProperty("aws.secretAccessKey"))) {
            execute(Operations.createRemoveOperation(address));
        }
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
            // not deployed (the deployment failed)
        }
    }
}
