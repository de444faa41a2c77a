package dev.awsjca.payara;

import dev.awsjca.testkit.PgCluster;
import dev.awsjca.testkit.aws.AwsTestCredentials;
import dev.awsjca.testkit.aws.iam.BindAttempt;
import dev.awsjca.testkit.aws.iam.IamTokenLdapServer;
import dev.awsjca.testkit.aws.iam.RdsEndpoint;
import dev.awsjca.testkit.aws.iam.TokenCheck;
import dev.awsjca.testkit.aws.secretsmanager.LocalSecretsManager;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.net.URL;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The credential plugins on Payara (they need the slf4j the rar carries): a pool with
 * {@code Plugins=failover,iam} and no password, a pool with {@code Plugins=secretsManager} and no user or
 * password, the AWS credentials as system properties of the server (asadmin create-system-properties; the
 * SDK's default chain reads them). PostgreSQL checks the IAM tokens through the testkit's LDAP verifier;
 * the secret comes from the testkit's local Secrets Manager; both run in this JVM and check SigV4. JTA
 * commit and rollback through each; no secret key, token or password in server.log.
 */
class CredentialsOnPayaraIT {

    private static final String DATABASE = "creds";
    private static final String REGION = "eu-central-1";
    private static final AwsTestCredentials AWS = AwsTestCredentials.of("AKIDPAYARACREDS001", "payara-it-secret-access-key");
    private static final String IAM_USER = "iam_payara";
    private static final String SECRET_USER = "sm_payara";
    private static final String SECRET_PASSWORD = "sm-" + UUID.randomUUID();
    private static final String SECRET_ID = "payara/creds";

    private static IamTokenLdapServer ldap;
    private static LocalSecretsManager secretsManager;
    private static PgCluster cluster;

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
    void iamAndSecretsManagerPoolsServeJtaWorkWithNoSecretInTheLog() throws Exception {
        PayaraDomain payara = PayaraDomain.get();
        Adapter.ensureDeployed();
        URL app = payara.http(Adapter.APP);
        long logStart = ServerLog.position();
        payara.asadmin("create-system-properties", Adapter.asadminProperties(new TreeMap<>(Map.of(
                "aws.accessKeyId", AWS.accessKeyId(), "aws.secretAccessKey", AWS.secretAccessKey()))));
        try {
            Map<String, String> iam = new TreeMap<>();
            iam.put("Url", "jdbc:aws-wrapper:postgresql://" + cluster.writer().host() + ":" + cluster.writer().port() + "/"
                    + DATABASE + "?sslmode=require");
            iam.put("User", IAM_USER);
            iam.put("Plugins", "failover,iam");
            iam.put("ClusterInstanceHostPattern", cluster.instanceHostPattern());
            iam.put("IamRegion", REGION);
            Adapter.createPool("iam", iam);
            payara.asadmin("create-connector-resource", "--poolname", "iam", "jdbc/aws-iam");

            Map<String, String> secrets = new TreeMap<>();
            secrets.put("Url", "jdbc:aws-wrapper:postgresql://" + cluster.writer().host() + ":" + cluster.writer().port() + "/" + DATABASE);
            secrets.put("Plugins", "secretsManager");
            secrets.put("SecretId", SECRET_ID);
            secrets.put("Region", REGION);
            secrets.put("SecretsManagerEndpoint", secretsManager.endpoint().toString());
            Adapter.createPool("secrets", secrets);
            payara.asadmin("create-connector-resource", "--poolname", "secrets", "jdbc/aws-secrets");

            ldap.binds().reset();
            commitAndRollBack(app, "jdbc/aws-iam", IAM_USER);
            List<BindAttempt> binds = ldap.binds().all();
            assertFalse(binds.isEmpty(), "PostgreSQL asked the LDAP verifier");
            for (BindAttempt bind : binds) {
                assertEquals(IAM_USER, bind.dbUser());
                assertEquals(TokenCheck.ACCEPTED, bind.check(), bind.detail());
                assertEquals(RdsEndpoint.of(cluster.writer().host(), cluster.writer().port()), bind.signedFor());
            }

            int readsBefore = secretsManager.calls().successfulGetSecretValue(SECRET_ID);
            commitAndRollBack(app, "jdbc/aws-secrets", SECRET_USER);
            assertTrue(secretsManager.calls().successfulGetSecretValue(SECRET_ID) > readsBefore, "the secret was read from the local endpoint");

            assertEquals(List.of(), ServerLog.severeSince(logStart), "SEVERE records in server.log");
        } finally {
            payara.tryAsadmin("delete-connector-connection-pool", "--cascade=true", "iam");
            payara.tryAsadmin("delete-connector-connection-pool", "--cascade=true", "secrets");
            payara.tryAsadmin("delete-system-property", "aws.accessKeyId");
            payara.tryAsadmin("delete-system-property", "aws.secretAccessKey");
        }
        List<String> leaks = ServerLog.linesContaining(logStart,
                List.of(AWS.secretAccessKey(), SECRET_PASSWORD, "X-Amz-Signature", "X-Amz-Credential", "Amz-Security-Token"));
        assertEquals(List.of(), leaks, "server.log shows a secret key, a token or a password");
    }

    private static void commitAndRollBack(URL app, String jndi, String user) throws SQLException {
        String kept = UUID.randomUUID().toString();
        String dropped = UUID.randomUUID().toString();
        assertEquals(user, Http.get(app, "rows?op=as&jndi=" + jndi + "&commit=true&id=" + kept));
        assertEquals(user, Http.get(app, "rows?op=as&jndi=" + jndi + "&commit=false&id=" + dropped));
        assertEquals(1, count(kept), jndi + ": committed row");
        assertEquals(0, count(dropped), jndi + ": rolled back row");
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
}
