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

import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;

import static dev.awsjca.plugins.badinput.Refusal.assertRefused;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Issue 13: the AWS endpoints a login depends on, when they refuse connections, hang, or answer garbage. The
 * Secrets Manager endpoint (secretsManagerEndpoint) and the AWS credentials endpoint of the SDK's default chain
 * (the container credentials endpoint, which gives both the iam and the secretsManager plugin their AWS keys),
 * each a real socket on 127.0.0.1 talked to by the real AWS SDK. Every login ends with an SQLException within a
 * bound, naming the secret or the IAM user and what failed, with no secret in the exception or the logs.
 */
@WithPgCluster(replicas = 0)
@Timeout(120)
class BadEndpointsTest {

    private static final String REGION = "eu-west-1";
    private static final long SECRETS_TIMEOUT_MS = 1_000;
    /**
     * secretsManagerTimeoutMs bounds the whole call; the margin is for a machine shared with other builds (the
     * SDK's first call, class loading included, is paid by the control login in warmUp()).
     */
    private static final Duration SECRETS_BOUND = Duration.ofMillis(SECRETS_TIMEOUT_MS + 6_000);
    /**
     * The SDK bounds its container credentials calls itself (about 6.5 s for a hanging one, measured here); the
     * adapter waits for a mint at most 30 s. Generous for a shared machine, well below that.
     */
    private static final Duration CREDENTIALS_BOUND = Duration.ofSeconds(20);

    /** Values that must never be shown: random, so that a match cannot be a coincidence. */
    private static final String SECRET_KEY = "sk" + random();
    private static final String DB_PASSWORD = "pw" + random();
    private static final String ANSWERED_SECRET = "Answered" + random();
    private static final List<String> SECRETS = List.of(SECRET_KEY, DB_PASSWORD, ANSWERED_SECRET);
    private static final AwsTestCredentials CREDENTIALS = AwsTestCredentials.of("AKIDBADENDPOINTS01", SECRET_KEY);

    private static LogCapture logs;
    private final PgCluster cluster;

    BadEndpointsTest(PgCluster cluster) {
        this.cluster = cluster;
    }

    private static String random() {
        return UUID.randomUUID().toString().replace("-", "");
    }

    /** The control: a login through a working Secrets Manager endpoint, the same SDK path the cases break. */
    @BeforeAll
    static void warmUp(PgCluster cluster) throws Exception {
        assertNull(System.getenv("AWS_ACCESS_KEY_ID"), "AWS keys in the environment would hide the credentials endpoint");
        logs = LogCapture.install();
        logs.untraced(() -> cluster.execute(cluster.writer(), "postgres", "DROP ROLE IF EXISTS bad_endpoint_control",
                "CREATE ROLE bad_endpoint_control LOGIN PASSWORD '" + DB_PASSWORD + "'"));
        try (LocalSecretsManager secrets = LocalSecretsManager.builder().region(REGION).credentials(CREDENTIALS).start();
             AutoCloseable keys = CREDENTIALS.installAsSystemProperties()) {
            secrets.putSecretJson("good/control", Map.of("username", "bad_endpoint_control", "password", DB_PASSWORD));
            try (Connection c = DriverManager.getConnection(new BadEndpointsTest(cluster).secretsUrl("good/control", secrets.endpoint()));
                 Statement s = c.createStatement(); ResultSet rs = s.executeQuery("SELECT current_user")) {
                rs.next();
                assertEquals("bad_endpoint_control", rs.getString(1));
            }
        }
    }

    @AfterAll
    static void noSecretInTheLogs() {
        logs.close();
        assertEquals(List.of(), logs.linesContaining(SECRETS), "a log line shows a secret");
    }

    // ---- the Secrets Manager endpoint

    private String secretsUrl(String secretId, URI endpoint) {
        return "jdbc:aws-wrapper:postgresql://" + cluster.writer().host() + ":" + cluster.writer().port() + "/postgres"
                + "?plugins=secretsManager&region=" + REGION + "&secretsManagerTimeoutMs=" + SECRETS_TIMEOUT_MS
                + "&secretId=" + URLEncoder.encode(secretId, StandardCharsets.UTF_8)
                + "&secretsManagerEndpoint=" + URLEncoder.encode(endpoint.toString(), StandardCharsets.UTF_8);
    }

    /** A login through the secretsManager plugin against this endpoint, with the test's AWS keys installed. */
    private SQLException secretsLoginRefused(String secretId, MisbehavingEndpoint endpoint, String sqlState, String... words)
            throws Exception {
        try (endpoint; AutoCloseable keys = CREDENTIALS.installAsSystemProperties()) {
            List<String> all = new ArrayList<>(List.of(words));
            all.add("'" + secretId + "'");
            SQLException e = assertRefused(() -> DriverManager.getConnection(secretsUrl(secretId, endpoint.uri())).close(),
                    sqlState, SECRETS_BOUND, SECRETS, all.toArray(String[]::new));
            assertCalled(endpoint);
            return e;
        }
    }

    @Test
    void secretsManagerEndpointRefusingConnections() throws Exception {
        MisbehavingEndpoint refusing = MisbehavingEndpoint.refusing();
        secretsLoginRefused("bad/refused", refusing, "08001", "could not be read from secretsManagerEndpoint " + refusing.uri(),
                "Connection refused");
    }

    @Test
    void secretsManagerEndpointAcceptingAndNeverAnswering() throws Exception {
        MisbehavingEndpoint hanging = MisbehavingEndpoint.hanging();
        secretsLoginRefused("bad/hanging", hanging, "08001", "secretsManagerTimeoutMs=" + SECRETS_TIMEOUT_MS,
                "secretsManagerEndpoint " + hanging.uri() + " did not answer in time");
    }

    @Test
    void secretsManagerEndpointAnsweringHtmlWithStatus200() throws Exception {
        MisbehavingEndpoint html = MisbehavingEndpoint.answeringHttp("200 OK", "text/html", "<html><body>Welcome</body></html>");
        secretsLoginRefused("bad/html", html, "08001", "the answer of secretsManagerEndpoint " + html.uri() + " is not JSON");
    }

    /**
     * A secretsManagerEndpoint that points at something else (a configuration service, a proxy's echo) may answer
     * the password itself as plain text: the JSON parser quotes what it could not read, so that text must not
     * travel in the message or the causes.
     */
    @Test
    void secretsManagerEndpointAnsweringThePasswordAsPlainText() throws Exception {
        MisbehavingEndpoint plain = MisbehavingEndpoint.answeringHttp("200 OK", "text/plain", ANSWERED_SECRET);
        secretsLoginRefused("bad/plain", plain, "08001", "the answer of secretsManagerEndpoint " + plain.uri() + " is not JSON");
    }

    @Test
    void secretsManagerEndpointAnsweringBytesThatAreNotHttp() throws Exception {
        MisbehavingEndpoint ssh = MisbehavingEndpoint.answering("SSH-2.0-OpenSSH_9.2p1 Debian-2\r\n");
        secretsLoginRefused("bad/ssh", ssh, "08001", "could not be read from secretsManagerEndpoint " + ssh.uri(), "Invalid Http response");
    }

    /** A proxy or load balancer in front of a missing service: a 5xx of its own, not a Secrets Manager error. */
    @Test
    void secretsManagerEndpointAnswering502FromAProxy() throws Exception {
        MisbehavingEndpoint proxy = MisbehavingEndpoint.answeringHttp("502 Bad Gateway", "text/html",
                "<html><body><h1>502 Bad Gateway</h1></body></html>");
        secretsLoginRefused("bad/proxy", proxy, "08001", "HTTP 502 from secretsManagerEndpoint " + proxy.uri(),
                "without a Secrets Manager error code");
    }

    /** An error status whose body is the secret as text: neither the message nor a cause may repeat it. */
    @Test
    void secretsManagerEndpointAnswering400WithThePasswordAsBody() throws Exception {
        MisbehavingEndpoint echo = MisbehavingEndpoint.answeringHttp("400 Bad Request", "text/plain", ANSWERED_SECRET);
        secretsLoginRefused("bad/echo", echo, "28000", "HTTP 400 from secretsManagerEndpoint " + echo.uri());
    }

    /** JSON of the right content type, but no SecretString and no SecretBinary: not a GetSecretValue answer. */
    @Test
    void secretsManagerEndpointAnsweringJsonWithoutAValue() throws Exception {
        secretsLoginRefused("bad/empty-json", MisbehavingEndpoint.answeringHttp("200 OK", "application/x-amz-json-1.1",
                "{\"Name\":\"bad/empty-json\"}"), "28000", "the answer holds no SecretString");
    }

    // ---- the database endpoint itself, with the default plugins (failover, hostMonitoring)

    /** pgjdbc's own timeouts bound a login; the failover plugin must not stretch a first login to failoverTimeoutMs. */
    private static final Duration DATABASE_BOUND = Duration.ofSeconds(12);

    private static SQLException databaseLoginRefused(MisbehavingEndpoint database, String sqlState, String... words)
            throws IOException {
        Properties login = new Properties();
        login.setProperty("user", "app");
        login.setProperty("password", DB_PASSWORD);
        String url = "jdbc:aws-wrapper:postgresql://127.0.0.1:" + database.uri().getPort() + "/app"
                + "?connectTimeout=2&loginTimeout=3&socketTimeout=3&failoverTimeoutMs=60000&dialect=postgresql";
        try (database) {
            SQLException e = assertRefused(() -> DriverManager.getConnection(url, login).close(), sqlState, DATABASE_BOUND,
                    SECRETS, words);
            assertCalled(database);
            return e;
        }
    }

    @Test
    void databaseEndpointRefusingConnections() throws Exception {
        MisbehavingEndpoint refusing = MisbehavingEndpoint.refusing();
        databaseLoginRefused(refusing, "08001", "Connection to 127.0.0.1:" + refusing.uri().getPort() + " refused");
    }

    @Test
    void databaseEndpointAcceptingAndNeverAnswering() throws Exception {
        MisbehavingEndpoint hanging = MisbehavingEndpoint.hanging();
        databaseLoginRefused(hanging, "08001", "timed out", "connecting to 127.0.0.1:" + hanging.uri().getPort());
    }

    /** Not PostgreSQL: a web server's answer to the first bytes (pgjdbc's SSL request) of the login. */
    @Test
    void databaseEndpointAnsweringHttp() throws Exception {
        MisbehavingEndpoint web = MisbehavingEndpoint.greeting("HTTP/1.1 400 Bad Request\r\nContent-Length: 0\r\n\r\n");
        databaseLoginRefused(web, "08P01", "SSL connection", "connecting to 127.0.0.1:" + web.uri().getPort());
    }

    // ---- the AWS credentials endpoint (the container credentials of the SDK's default chain)

    /**
     * Runs the attempt with the SDK's default chain finding nothing but this container credentials endpoint: no
     * keys in system properties, no profile files, no instance metadata.
     */
    private static SQLException withCredentialsEndpoint(MisbehavingEndpoint endpoint, Refusal.Attempt attempt,
            String sqlState, String... words) throws IOException {
        Map<String, String> settings = new HashMap<>();
        settings.put("aws.containerCredentialsFullUri", endpoint.uri() + "/v2/credentials");
        settings.put("aws.sharedCredentialsFile", "/nonexistent/aws/credentials");
        settings.put("aws.configFile", "/nonexistent/aws/config");
        settings.put("aws.disableEc2Metadata", "true");
        settings.put("aws.accessKeyId", null);
        settings.put("aws.secretAccessKey", null);
        settings.put("aws.sessionToken", null);
        Map<String, String> before = new HashMap<>();
        settings.forEach((k, v) -> {
            before.put(k, System.getProperty(k));
            set(k, v);
        });
        try (endpoint) {
            SQLException e = assertRefused(attempt, sqlState, CREDENTIALS_BOUND, SECRETS, words);
            assertCalled(endpoint);
            return e;
        } finally {
            before.forEach(BadEndpointsTest::set);
        }
    }

    /** The failure came from this endpoint, not from something before it. */
    private static void assertCalled(MisbehavingEndpoint endpoint) {
        if (endpoint.listens()) {
            assertTrue(endpoint.connections() >= 1, endpoint + " was never called");
        }
    }

    private static void set(String name, String value) {
        if (value == null) {
            System.clearProperty(name);
        } else {
            System.setProperty(name, value);
        }
    }

    private String iamUrl() {
        return "jdbc:aws-wrapper:postgresql://" + cluster.writer().host() + ":" + cluster.writer().port() + "/postgres"
                + "?plugins=iam&iamRegion=" + REGION + "&iamAllowPlaintext=true&sslmode=disable";
    }

    private SQLException iamLoginRefused(MisbehavingEndpoint credentials, String... words) throws IOException {
        Properties login = new Properties();
        login.setProperty("user", "bad_iam");
        List<String> all = new ArrayList<>(List.of(words));
        all.add("No IAM token for user bad_iam at " + cluster.writer().host() + ":" + cluster.writer().port());
        all.add("ContainerCredentialsProvider");
        return withCredentialsEndpoint(credentials, () -> DriverManager.getConnection(iamUrl(), login).close(), "28000",
                all.toArray(String[]::new));
    }

    @Test
    void iamWithTheCredentialsEndpointRefusingConnections() throws Exception {
        iamLoginRefused(MisbehavingEndpoint.refusing());
    }

    @Test
    void iamWithTheCredentialsEndpointAcceptingAndNeverAnswering() throws Exception {
        iamLoginRefused(MisbehavingEndpoint.hanging());
    }

    @Test
    void iamWithTheCredentialsEndpointAnsweringHtml() throws Exception {
        iamLoginRefused(MisbehavingEndpoint.answeringHttp("200 OK", "text/html", "<html>captive portal</html>"));
    }

    @Test
    void iamWithTheCredentialsEndpointAnsweringBytesThatAreNotHttp() throws Exception {
        iamLoginRefused(MisbehavingEndpoint.answering("SSH-2.0-OpenSSH_9.2p1 Debian-2\r\n"));
    }

    /** Half an answer: the secret key without its key id. The key must not be shown by the error it causes. */
    @Test
    void iamWithTheCredentialsEndpointAnsweringASecretKeyWithoutKeyId() throws Exception {
        iamLoginRefused(MisbehavingEndpoint.answeringHttp("200 OK", "application/json",
                "{\"SecretAccessKey\":\"" + SECRET_KEY + "\",\"Token\":\"" + DB_PASSWORD + "\"}"));
    }

    /** The secretsManager plugin signs its call with the same chain: no keys, no call, a clear 08001. */
    @Test
    void secretsManagerWithTheCredentialsEndpointRefusingConnections() throws Exception {
        try (LocalSecretsManager secrets = LocalSecretsManager.builder().region(REGION).credentials(CREDENTIALS).start()) {
            secrets.putSecretJson("bad/no-keys", Map.of("username", "nobody", "password", DB_PASSWORD));
            withCredentialsEndpoint(MisbehavingEndpoint.refusing(),
                    () -> DriverManager.getConnection(secretsUrl("bad/no-keys", secrets.endpoint())).close(), "08001",
                    "'bad/no-keys'", "Unable to load credentials", "ContainerCredentialsProvider");
            assertEquals(0, secrets.calls().getSecretValue("bad/no-keys"), "Secrets Manager was called without keys");
        }
    }
}
