package dev.awsjca.plugins.badinput;

import dev.awsjca.plugins.aws.LogCapture;
import dev.awsjca.testkit.PgCluster;
import dev.awsjca.testkit.WithPgCluster;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.sql.DriverManager;
import java.time.Duration;
import java.util.List;
import java.util.Properties;
import java.util.UUID;

import static dev.awsjca.plugins.badinput.Refusal.assertRefused;
import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * Issue 13: credential settings that are well-formed text but cannot work, found when the first connection
 * opens (the registry cannot judge free text): the iam plugin without a user or without TLS, an AWS profile
 * that does not exist, the secretsManager plugin without a secret id. Each is 08001 naming the property (28000
 * when AWS credentials cannot be had), at once, and a password given alongside is never shown.
 */
@WithPgCluster(replicas = 0)
@Timeout(60)
class BadCredentialSettingsTest {

    private static final Duration BOUND = Duration.ofSeconds(8);
    private static final String PASSWORD = "pw" + UUID.randomUUID().toString().replace("-", "");
    private static LogCapture logs;
    private final PgCluster cluster;

    BadCredentialSettingsTest(PgCluster cluster) {
        this.cluster = cluster;
    }

    @BeforeAll
    static void captureLogs() {
        logs = LogCapture.install();
    }

    @AfterAll
    static void noPasswordInTheLogs() {
        logs.close();
        assertEquals(List.of(), logs.linesContaining(List.of(PASSWORD)), "a log line shows the password");
    }

    private String url(String parameters) {
        return "jdbc:aws-wrapper:postgresql://" + cluster.writer().host() + ":" + cluster.writer().port() + "/postgres?" + parameters;
    }

    private static Properties login(String user) {
        Properties p = new Properties();
        if (user != null) {
            p.setProperty("user", user);
        }
        p.setProperty("password", PASSWORD);
        return p;
    }

    private void refused(String parameters, Properties login, String sqlState, String... words) {
        assertRefused(() -> DriverManager.getConnection(url(parameters), login).close(), sqlState, BOUND, List.of(PASSWORD), words);
    }

    @Test
    void iamWithoutAUser() {
        refused("plugins=iam&iamRegion=eu-west-1", login(null), "08001", "'user'", "the database user the token is for");
    }

    @Test
    void iamWithoutTls() {
        refused("plugins=iam&iamRegion=eu-west-1&sslmode=disable", login("app"), "08001", "sslmode=disable", "iamAllowPlaintext");
        refused("plugins=iam&iamRegion=eu-west-1&ssl=false", login("app"), "08001", "sslmode=(ssl=false)", "iamAllowPlaintext");
    }

    @Test
    void iamWithAnAwsProfileThatDoesNotExist() {
        refused("plugins=iam&iamRegion=eu-west-1&iamAllowPlaintext=true&sslmode=disable&awsProfile=no-such-profile", login("app"),
                "28000", "No IAM token for user app", "no-such-profile");
    }

    @Test
    void secretsManagerWithoutASecretId() {
        refused("plugins=secretsManager&region=eu-west-1", login(null), "08001", "'secretId'");
        refused("plugins=secretsManager&region=eu-west-1&secretId=%20%20", login(null), "08001", "'secretId'");
    }

    @Test
    void secretsManagerWithARegionTheSecretArnContradicts() {
        refused("plugins=secretsManager&region=eu-west-1&secretId=arn:aws:secretsmanager:us-east-1:123456789012:secret:app-AbCdEf",
                login(null), "08001", "'region'", "us-east-1");
    }

    @Test
    void secretsManagerWithAnAwsProfileThatDoesNotExist() {
        refused("plugins=secretsManager&region=eu-west-1&secretId=app&secretsManagerEndpoint=http://127.0.0.1:9&awsProfile=no-such-profile",
                login(null), "08001", "'app'", "no-such-profile");
    }
}
