package dev.awsjca.plugins.secretsmanager;

import dev.awsjca.plugins.aws.LogCapture;
import dev.awsjca.testkit.PgCluster;
import dev.awsjca.testkit.WithPgCluster;
import dev.awsjca.testkit.aws.AwsTestCredentials;
import dev.awsjca.testkit.aws.secretsmanager.LocalSecretsManager;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Database logins from a secret, read through the real AWS SDK from the testkit's local Secrets Manager. */
@WithPgCluster(replicas = 0, shared = false)
@Timeout(120)
class SecretsManagerPluginTest {

    private static final AwsTestCredentials CREDENTIALS = AwsTestCredentials.of("AKIDPLUGINSM00001", "plugin-sm-secret-key");
    private static final String REGION = "eu-west-1";
    private static final List<String> SECRET_VALUES = new ArrayList<>();

    private static LocalSecretsManager secrets;
    private static AutoCloseable sdkCredentials;
    private static LogCapture logs;
    private final PgCluster cluster;

    SecretsManagerPluginTest(PgCluster cluster) {
        this.cluster = cluster;
    }

    @BeforeAll
    static void start() {
        logs = LogCapture.install();
        secrets = LocalSecretsManager.builder().region(REGION).credentials(CREDENTIALS).start();
        sdkCredentials = CREDENTIALS.installAsSystemProperties();
    }

    @AfterAll
    static void stop() throws Exception {
        try {
            sdkCredentials.close();
            secrets.close();
        } finally {
            logs.close();
        }
        List<String> forbidden = new ArrayList<>(SECRET_VALUES);
        forbidden.add(CREDENTIALS.secretAccessKey());
        assertEquals(List.of(), logs.linesContaining(forbidden), "a log line shows a secret");
    }

    /** A login role with a password, and a secret holding it. */
    private String role(String name, String password) {
        SECRET_VALUES.add(password);
        logs.untraced(() -> cluster.execute(cluster.writer(), "postgres", "DROP ROLE IF EXISTS " + name,
                "CREATE ROLE " + name + " LOGIN PASSWORD '" + password + "'"));
        return name;
    }

    private String url(String secretId, String extra) {
        return "jdbc:aws-wrapper:postgresql://" + cluster.writer().host() + ":" + cluster.writer().port() + "/postgres"
                + "?plugins=secretsManager&secretId=" + URLEncoder.encode(secretId, StandardCharsets.UTF_8)
                + "&region=" + REGION + "&secretsManagerEndpoint=" + URLEncoder.encode(secrets.endpoint().toString(), StandardCharsets.UTF_8)
                + extra;
    }

    private static String currentUser(Connection c) throws SQLException {
        try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery("SELECT current_user")) {
            rs.next();
            return rs.getString(1);
        }
    }

    @Test
    void logsInWithTheSecretAndReadsItOncePerCachePeriod() throws Exception {
        secrets.putSecretJson("app/db", Map.of("username", role("sm_app", "first-Pa55"), "password", "first-Pa55"));
        ExecutorService pool = Executors.newFixedThreadPool(16);
        try {
            List<Future<String>> logins = new ArrayList<>();
            for (int i = 0; i < 60; i++) {
                logins.add(pool.submit(() -> {
                    try (Connection c = DriverManager.getConnection(url("app/db", ""))) {
                        return currentUser(c);
                    }
                }));
            }
            for (Future<String> login : logins) {
                assertEquals("sm_app", login.get());
            }
        } finally {
            pool.shutdownNow();
        }
        assertEquals(1, secrets.calls().getSecretValue("app/db"), "one fetch for 60 logins");
    }

    @Test
    void aRotatedPasswordIsReadAgainAfterTheLoginIsRefused() throws SQLException {
        secrets.putSecretJson("app/rotating", Map.of("username", role("sm_rotating", "before-Pa55"), "password", "before-Pa55"));
        try (Connection c = DriverManager.getConnection(url("app/rotating", ""))) {
            assertEquals("sm_rotating", currentUser(c));
        }
        SECRET_VALUES.add("after-Pa55");
        logs.untraced(() -> cluster.execute(cluster.writer(), "postgres", "ALTER ROLE sm_rotating PASSWORD 'after-Pa55'"));
        secrets.putSecretJson("app/rotating", Map.of("username", "sm_rotating", "password", "after-Pa55"));
        try (Connection c = DriverManager.getConnection(url("app/rotating", ""))) {
            assertEquals("sm_rotating", currentUser(c));
        }
        assertEquals(2, secrets.calls().getSecretValue("app/rotating"), "read again once after the refusal");
    }

    /**
     * Issue 13's bank found that a Secrets Manager outage stopped every new login for its whole length: the
     * cached secret had expired and nothing else was tried. Logins now go on with the value read before.
     */
    @Test
    void whileSecretsManagerFailsLoginsGoOnWithTheSecretReadBefore() throws Exception {
        secrets.putSecretJson("app/outage", Map.of("username", role("sm_outage", "outage-Pa55"), "password", "outage-Pa55"));
        String url = url("app/outage", "&secretsCacheTtlS=1");
        try (Connection c = DriverManager.getConnection(url)) {
            assertEquals("sm_outage", currentUser(c));
        }
        secrets.faults().failNextWithServerError(Integer.MAX_VALUE);
        try {
            Thread.sleep(1_200); // the cached value expired: the next login asks Secrets Manager, which answers 500
            try (Connection c = DriverManager.getConnection(url)) {
                assertEquals("sm_outage", currentUser(c), "logged in with the value read before");
            }
            int asked = secrets.calls().getSecretValue("app/outage");
            for (int i = 0; i < 5; i++) {
                try (Connection c = DriverManager.getConnection(url)) {
                    assertEquals("sm_outage", currentUser(c));
                }
            }
            assertEquals(asked, secrets.calls().getSecretValue("app/outage"), "the failing endpoint is not asked by every login");

            // rotated during the outage: the database refuses the old value, and the login fails naming the secret
            SECRET_VALUES.add("rotated-in-outage-Pa55");
            logs.untraced(() -> cluster.execute(cluster.writer(), "postgres", "ALTER ROLE sm_outage PASSWORD 'rotated-in-outage-Pa55'"));
            SQLException refused = assertThrows(SQLException.class, () -> DriverManager.getConnection(url).close());
            assertTrue(refused.getMessage().contains("'app/outage'"), refused.getMessage());
        } finally {
            secrets.faults().clear();
        }
        secrets.putSecretJson("app/outage", Map.of("username", "sm_outage", "password", "rotated-in-outage-Pa55"));
        try (Connection c = DriverManager.getConnection(url)) {
            assertEquals("sm_outage", currentUser(c), "Secrets Manager answers again: the new value");
        }
    }

    @Test
    void alternatingUsersRotation() throws SQLException {
        role("sm_blue", "blue-Pa55");
        role("sm_green", "green-Pa55");
        secrets.putSecretJson("app/alternating", Map.of("username", "sm_blue", "password", "blue-Pa55"));
        try (Connection c = DriverManager.getConnection(url("app/alternating", ""))) {
            assertEquals("sm_blue", currentUser(c));
        }
        // the rotation moves the secret to the other user, then the old user's password changes
        secrets.putSecretJson("app/alternating", Map.of("username", "sm_green", "password", "green-Pa55"));
        SECRET_VALUES.add("blue-rotated-Pa55");
        logs.untraced(() -> cluster.execute(cluster.writer(), "postgres", "ALTER ROLE sm_blue PASSWORD 'blue-rotated-Pa55'"));
        try (Connection c = DriverManager.getConnection(url("app/alternating", ""))) {
            assertEquals("sm_green", currentUser(c));
        }
    }

    @Test
    void everyFailureNamesTheSecretAndTheCauseButNeverTheValue() {
        SECRET_VALUES.add("never-shown-Pa55");
        secrets.putSecret("app/not-json", "user=x password=never-shown-Pa55");
        secrets.putSecretJson("app/no-password", Map.of("username", "sm_app"));
        secrets.putSecretJson("app/denied", Map.of("username", "x", "password", "never-shown-Pa55"));
        secrets.faults().denyAccess("app/denied");
        assertFailure("app/missing", "not found");
        assertFailure("app/denied", "access denied");
        assertFailure("app/not-json", "not JSON");
        assertFailure("app/no-password", "no text field \"password\"");
        secrets.putSecretJson("app/throttled", Map.of("username", "x", "password", "never-shown-Pa55"));
        secrets.faults().throttleNext(20);
        assertFailure("app/throttled", "throttled");
        secrets.faults().clear();
        SQLException noId = assertThrows(SQLException.class, () -> DriverManager.getConnection(
                url("x", "").replaceAll("secretId=[^&]*&", "")));
        assertTrue(noId.getMessage().contains("'secretId'"), noId.getMessage());
        String arn = "arn:aws:secretsmanager:us-east-1:123456789012:secret:app/db-AbCdEf";
        SQLException clash = assertThrows(SQLException.class, () -> DriverManager.getConnection(url(arn, "")));
        assertTrue(clash.getMessage().contains("'region'") && clash.getMessage().contains("us-east-1"), clash.getMessage());
    }

    private void assertFailure(String secretId, String cause) {
        SQLException e = assertThrows(SQLException.class, () -> DriverManager.getConnection(url(secretId, "")));
        assertTrue(e.getMessage().contains("'" + secretId + "'") && e.getMessage().contains(cause), e.getMessage());
        for (Throwable t = e; t != null; t = t.getCause()) {
            assertFalse(String.valueOf(t.getMessage()).contains("never-shown-Pa55"), t.toString());
        }
    }
}
