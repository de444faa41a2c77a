package dev.awsjca.plugins.badinput;

import dev.awsjca.plugins.aws.LogCapture;
import dev.awsjca.testkit.PgCluster;
import dev.awsjca.testkit.WithPgCluster;
import dev.awsjca.testkit.aws.AwsTestCredentials;
import dev.awsjca.testkit.aws.secretsmanager.LocalSecretsManager;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.stream.Stream;

import static dev.awsjca.plugins.badinput.Refusal.assertRefused;
import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * Issue 13: secrets that cannot serve as a login, and Secrets Manager refusing to give one, through the real AWS
 * SDK and the testkit's local Secrets Manager. Each login fails with 28000 (28P01 when the database itself
 * refuses) naming the secret and what is wrong with it, quickly, and the password (or the AWS secret key) is
 * nowhere in the exception chain or the logs.
 */
@WithPgCluster(replicas = 0)
@Timeout(120)
class BadSecretsTest {

    private static final String REGION = "eu-west-1";
    /**
     * Every failure here is an answer, not a wait: below secretsManagerTimeoutMs (10 s by default), with room for
     * a machine shared with other builds (the SDK's first call is paid by the control login in start()).
     */
    private static final Duration BOUND = Duration.ofSeconds(8);
    /** Random, so that finding one in a message cannot be a coincidence. */
    private static final String PASSWORD = "pw" + UUID.randomUUID().toString().replace("-", "");
    private static final String NUMBER_PASSWORD = String.valueOf(100_000_000_000L + (long) (Math.random() * 800_000_000_000L));
    private static final String SECRET_KEY = "sk" + UUID.randomUUID().toString().replace("-", "");
    private static final String WRONG_SECRET_KEY = "wrong" + UUID.randomUUID().toString().replace("-", "");
    private static final List<String> SECRETS = List.of(PASSWORD, NUMBER_PASSWORD, SECRET_KEY, WRONG_SECRET_KEY);
    private static final AwsTestCredentials CREDENTIALS = AwsTestCredentials.of("AKIDBADSECRETS0001", SECRET_KEY);

    private static LocalSecretsManager secrets;
    private static LogCapture logs;
    private final PgCluster cluster;

    BadSecretsTest(PgCluster cluster) {
        this.cluster = cluster;
    }

    /** The control: the same path with a good secret logs in, so each refusal below is the bad input's. */
    @BeforeAll
    static void start(PgCluster cluster) throws Exception {
        logs = LogCapture.install();
        secrets = LocalSecretsManager.builder().region(REGION).credentials(CREDENTIALS).start();
        logs.untraced(() -> cluster.execute(cluster.writer(), "postgres", "DROP ROLE IF EXISTS bad_secret_control",
                "CREATE ROLE bad_secret_control LOGIN PASSWORD '" + PASSWORD + "'"));
        secrets.putSecretJson("bad/control", Map.of("username", "bad_secret_control", "password", PASSWORD));
        assertEquals("bad_secret_control", new BadSecretsTest(cluster).currentUserFrom("bad/control"));
    }

    private String currentUserFrom(String secretId) throws Exception {
        try (AutoCloseable installed = CREDENTIALS.installAsSystemProperties();
             Connection c = DriverManager.getConnection(url(secretId));
             Statement s = c.createStatement(); ResultSet rs = s.executeQuery("SELECT current_user")) {
            rs.next();
            return rs.getString(1);
        }
    }

    @AfterAll
    static void stop() {
        secrets.close();
        logs.close();
        assertEquals(List.of(), logs.linesContaining(SECRETS), "a log line shows a secret");
    }

    private String url(String secretId) {
        return "jdbc:aws-wrapper:postgresql://" + cluster.writer().host() + ":" + cluster.writer().port() + "/postgres"
                + "?plugins=secretsManager&region=" + REGION + "&secretId=" + URLEncoder.encode(secretId, StandardCharsets.UTF_8)
                + "&secretsManagerEndpoint=" + URLEncoder.encode(secrets.endpoint().toString(), StandardCharsets.UTF_8);
    }

    /** A login from this secret, signed with these AWS keys, is refused as the matrix says. */
    private SQLException refused(String secretId, AwsTestCredentials keys, String sqlState, String... words) throws Exception {
        try (AutoCloseable installed = keys.installAsSystemProperties()) {
            String[] all = Stream.concat(Stream.of("'" + secretId + "'"), Stream.of(words)).toArray(String[]::new);
            return assertRefused(() -> DriverManager.getConnection(url(secretId)).close(), sqlState, BOUND, SECRETS, all);
        }
    }

    static Stream<Arguments> unusableValues() {
        return Stream.of(
                Arguments.of("not JSON", "username=app password=" + PASSWORD, "its value is not JSON"),
                Arguments.of("JSON cut short", "{\"username\":\"app\",\"password\":\"" + PASSWORD, "its value is not JSON"),
                Arguments.of("a JSON array", "[\"app\",\"" + PASSWORD + "\"]", "its value is not a JSON object"),
                Arguments.of("a JSON string", "\"" + PASSWORD + "\"", "its value is not a JSON object"),
                Arguments.of("empty", "", "its value is not a JSON object"),
                Arguments.of("no password field", "{\"username\":\"app\",\"pasword\":\"" + PASSWORD + "\"}", "no text field \"password\""),
                Arguments.of("password a number", "{\"username\":\"app\",\"password\":" + NUMBER_PASSWORD + "}", "no text field \"password\""),
                Arguments.of("password an object", "{\"username\":\"app\",\"password\":{\"value\":\"" + PASSWORD + "\"}}",
                        "no text field \"password\""),
                Arguments.of("password null", "{\"username\":\"app\",\"password\":null}", "no text field \"password\""),
                Arguments.of("password empty", "{\"username\":\"app\",\"password\":\"\"}", "no text field \"password\""),
                Arguments.of("no username field", "{\"password\":\"" + PASSWORD + "\"}", "no text field \"username\""),
                Arguments.of("username a number", "{\"username\":42,\"password\":\"" + PASSWORD + "\"}", "no text field \"username\""));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("unusableValues")
    void aSecretValueThatIsNoLogin(String what, String value, String why) throws Exception {
        String id = "bad/" + what.replace(' ', '-');
        secrets.putSecret(id, value);
        refused(id, CREDENTIALS, "28000", "cannot be used as database credentials", why);
    }

    @Test
    void aBinarySecret() throws Exception {
        secrets.putSecretBinary("bad/binary", ("{\"username\":\"app\",\"password\":\"" + PASSWORD + "\"}").getBytes(StandardCharsets.UTF_8));
        refused("bad/binary", CREDENTIALS, "28000", "binary secret (SecretBinary)");
    }

    @Test
    void aSecretThatDoesNotExist() throws Exception {
        refused("bad/missing", CREDENTIALS, "28000", "not found");
    }

    @Test
    void aSecretTheCallerMayNotRead() throws Exception {
        secrets.putSecretJson("bad/denied", Map.of("username", "app", "password", PASSWORD));
        secrets.faults().denyAccess("bad/denied");
        refused("bad/denied", CREDENTIALS, "28000", "access denied");
    }

    @Test
    void aSecretScheduledForDeletion() throws Exception {
        secrets.putSecretJson("bad/deleted", Map.of("username", "app", "password", PASSWORD));
        secrets.markForDeletion("bad/deleted");
        refused("bad/deleted", CREDENTIALS, "28000", "InvalidRequestException");
    }

    @Test
    void awsKeysWithTheWrongSecretKey() throws Exception {
        secrets.putSecretJson("bad/wrong-key", Map.of("username", "app", "password", PASSWORD));
        refused("bad/wrong-key", AwsTestCredentials.of(CREDENTIALS.accessKeyId(), WRONG_SECRET_KEY), "28000", "InvalidSignatureException");
    }

    @Test
    void awsKeysUnknownToAws() throws Exception {
        secrets.putSecretJson("bad/unknown-key", Map.of("username", "app", "password", PASSWORD));
        refused("bad/unknown-key", AwsTestCredentials.of("AKIDNOBODYKNOWS001", WRONG_SECRET_KEY), "28000", "UnrecognizedClientException");
    }

    /**
     * A well-formed secret whose login the database refuses: the database's own 28P01, naming the secret's user
     * (not the secret: the refusal is pgjdbc's, passed on as it is).
     */
    @Test
    void aSecretWithAPasswordTheDatabaseRefuses() throws Exception {
        logs.untraced(() -> cluster.execute(cluster.writer(), "postgres", "DROP ROLE IF EXISTS bad_secret_user",
                "CREATE ROLE bad_secret_user LOGIN PASSWORD 'other-" + PASSWORD + "'"));
        secrets.putSecretJson("bad/refused", Map.of("username", "bad_secret_user", "password", PASSWORD));
        try (AutoCloseable installed = CREDENTIALS.installAsSystemProperties()) {
            assertRefused(() -> DriverManager.getConnection(url("bad/refused")).close(), "28P01", BOUND, SECRETS,
                    "password authentication failed for user \"bad_secret_user\"");
        }
        // the secret set right, the next login works: nothing of the refusal stays behind
        secrets.putSecretJson("bad/refused", Map.of("username", "bad_secret_user", "password", "other-" + PASSWORD));
        assertEquals("bad_secret_user", currentUserFrom("bad/refused"));
    }
}
