package dev.awsjca.metrics;

import dev.awsjca.testkit.PgCluster;
import dev.awsjca.testkit.TestDatabase;
import dev.awsjca.testkit.WithPgCluster;
import dev.awsjca.testkit.aws.AwsTestCredentials;
import dev.awsjca.testkit.aws.secretsmanager.LocalSecretsManager;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import javax.management.MBeanAttributeInfo;
import javax.management.MBeanServer;
import javax.management.ObjectName;
import javax.management.openmbean.CompositeData;
import javax.management.openmbean.TabularData;
import java.lang.management.ManagementFactory;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;

/**
 * Credential fetches and their failures, per plugin and definition, through the real AWS SDK: secrets read
 * from the testkit's local Secrets Manager, IAM tokens minted (offline) and refused by a password login.
 * JMX shows the counts and never a secret, a key or a token.
 */
@WithPgCluster(replicas = 0)
@Timeout(120)
class CredentialMetricsTest {

    private static final AwsTestCredentials CREDENTIALS = AwsTestCredentials.of("AKIDMETRICS000001", "metrics-secret-access-key");
    private static final String REGION = "eu-west-1";
    private static LocalSecretsManager secrets;
    private static AutoCloseable sdkCredentials;

    private final PgCluster cluster;
    private final TestDatabase db;

    CredentialMetricsTest(PgCluster cluster, TestDatabase db) {
        this.cluster = cluster;
        this.db = db;
    }

    @BeforeAll
    static void start() {
        secrets = LocalSecretsManager.builder().region(REGION).credentials(CREDENTIALS).start();
        sdkCredentials = CREDENTIALS.installAsSystemProperties();
    }

    @AfterAll
    static void stop() throws Exception {
        sdkCredentials.close();
        secrets.close();
    }

    private String url(String definition, String parameters) {
        return "jdbc:aws-wrapper:postgresql://" + cluster.writer().host() + ":" + cluster.writer().port() + "/" + db.name()
                + "?definitionName=" + definition + "&" + parameters;
    }

    private String secretsUrl(String definition, String secretId) {
        return url(definition, "plugins=secretsManager&secretId=" + secretId + "&region=" + REGION
                + "&secretsManagerEndpoint=" + URLEncoder.encode(secrets.endpoint().toString(), StandardCharsets.UTF_8));
    }

    @Test
    void secretsManagerFetchesAndFailuresCountPerDefinition() throws Exception {
        secrets.putSecretJson("metrics/db", Map.of("username", db.user(), "password", db.password()));
        for (int i = 0; i < 3; i++) {
            try (Connection c = DriverManager.getConnection(secretsUrl("metrics-sm", "metrics/db"))) {
                c.isValid(2);
            }
        }
        assertThrows(SQLException.class, () -> DriverManager.getConnection(secretsUrl("metrics-sm", "metrics/missing")));
        ObjectName name = MetricsRegistry.definitionName("metrics-sm");
        assertEquals(Map.of("secretsManager", 1L), tabular(name, "CredentialFetches"), "one read for three logins");
        assertEquals(Map.of("secretsManager", 1L), tabular(name, "CredentialFetchFailures"));
        assertNoSecretInJmx();
    }

    @Test
    void iamTokensMintedAndMintingFailuresCountPerDefinition() throws Exception {
        String iam = "plugins=iam&iamRegion=us-west-2&iamAllowPlaintext=true&sslmode=disable&user=" + db.user();
        // the token is minted, then refused: this database checks passwords, not tokens
        SQLException refused = assertThrows(SQLException.class, () -> DriverManager.getConnection(url("metrics-iam", iam)));
        assertEquals("28P01", refused.getSQLState(), refused.toString());
        assertThrows(SQLException.class, () -> DriverManager.getConnection(url("metrics-iam", iam + "&awsProfile=no-such-profile")));
        ObjectName name = MetricsRegistry.definitionName("metrics-iam");
        assertEquals(Map.of("iam", 1L), tabular(name, "CredentialFetches"));
        assertEquals(Map.of("iam", 1L), tabular(name, "CredentialFetchFailures"));
        assertNoSecretInJmx();
    }

    private static Map<String, Object> tabular(ObjectName name, String attribute) throws Exception {
        Map<String, Object> m = new HashMap<>();
        for (Object row : ((TabularData) ManagementFactory.getPlatformMBeanServer().getAttribute(name, attribute)).values()) {
            m.put((String) ((CompositeData) row).get("key"), ((CompositeData) row).get("value"));
        }
        return m;
    }

    private void assertNoSecretInJmx() throws Exception {
        MBeanServer server = ManagementFactory.getPlatformMBeanServer();
        StringBuilder everything = new StringBuilder();
        for (ObjectName name : server.queryNames(new ObjectName(MetricsRegistry.DOMAIN + ":*"), null)) {
            everything.append(name);
            for (MBeanAttributeInfo a : server.getMBeanInfo(name).getAttributes()) {
                Object value = server.getAttribute(name, a.getName());
                everything.append(' ').append(value instanceof Object[] array ? List.of(array) : value);
            }
        }
        for (String secret : List.of(db.password(), CREDENTIALS.secretAccessKey(), "X-Amz-Signature", "Amz-Credential")) {
            assertFalse(everything.toString().contains(secret), "JMX shows " + secret);
        }
    }
}
