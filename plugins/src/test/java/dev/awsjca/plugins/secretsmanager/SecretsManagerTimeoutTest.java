package dev.awsjca.plugins.secretsmanager;

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
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * Issue 12, defect 12: a Secrets Manager endpoint that hangs. Every login that needs the secret (the one
 * fetching it and those waiting for it) fails within secretsManagerTimeoutMs, with 08001 naming the
 * secret, instead of queueing behind the hanging call and the SDK's retries; once the endpoint answers
 * again, the next login works.
 */
@WithPgCluster(replicas = 0, shared = false)
@Timeout(120)
class SecretsManagerTimeoutTest {

    private static final AwsTestCredentials CREDENTIALS = AwsTestCredentials.of("AKIDPLUGINSMHANG01", "plugin-sm-hang-secret-key");
    private static final String REGION = "eu-west-1";
    private static final long TIMEOUT_MS = 1_000;

    private static LocalSecretsManager secrets;
    private static AutoCloseable sdkCredentials;
    private final PgCluster cluster;

    SecretsManagerTimeoutTest(PgCluster cluster) {
        this.cluster = cluster;
    }

    @BeforeAll
    static void start() {
        secrets = LocalSecretsManager.builder().region(REGION).credentials(CREDENTIALS).start();
        sdkCredentials = CREDENTIALS.installAsSystemProperties();
    }

    @AfterAll
    static void stop() throws Exception {
        sdkCredentials.close();
        secrets.close(); // also ends the requests it still holds
    }

    @Test
    void aHangingEndpointFailsEveryLoginWithinTheTimeoutAndTheNextLoginAfterItWorks() throws Exception {
        cluster.execute(cluster.writer(), "postgres", "DROP ROLE IF EXISTS sm_hang", "CREATE ROLE sm_hang LOGIN PASSWORD 'hang-Pa55'");
        secrets.putSecretJson("app/hang", Map.of("username", "sm_hang", "password", "hang-Pa55"));
        secrets.faults().delayResponses(Duration.ofSeconds(100)); // hangs for longer than the test may take
        String url = "jdbc:aws-wrapper:postgresql://" + cluster.writer().host() + ":" + cluster.writer().port() + "/postgres"
                + "?plugins=secretsManager&secretId=app%2Fhang&region=" + REGION
                + "&secretsManagerEndpoint=" + URLEncoder.encode(secrets.endpoint().toString(), StandardCharsets.UTF_8)
                + "&secretsManagerTimeoutMs=" + TIMEOUT_MS;

        ExecutorService pool = Executors.newFixedThreadPool(4);
        try {
            long start = System.nanoTime();
            List<Future<Long>> logins = new ArrayList<>();
            for (int i = 0; i < 4; i++) {
                logins.add(pool.submit(() -> {
                    try (Connection c = DriverManager.getConnection(url)) {
                        throw new AssertionError("logged in although the secret could not be read");
                    } catch (SQLException e) {
                        assertEquals("08001", e.getSQLState(), e.toString());
                        assertTrue(e.getMessage().contains("app/hang"), e.getMessage());
                        return TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
                    }
                }));
                Thread.sleep(100); // the later ones find the first one's fetch under way
            }
            for (Future<Long> login : logins) {
                long tookMs;
                try {
                    tookMs = login.get(20, TimeUnit.SECONDS);
                } catch (TimeoutException e) {
                    fail("a login is still blocked by the hanging Secrets Manager call after 20 s");
                    return;
                } catch (ExecutionException e) {
                    throw assertInstanceOf(AssertionError.class, e.getCause());
                }
                // generous: the machine is shared; the point is seconds, not the SDK's minutes
                assertTrue(tookMs < TIMEOUT_MS + 4_000, "a login took " + tookMs + " ms");
            }
        } finally {
            pool.shutdownNow();
        }

        secrets.faults().clear();
        try (Connection c = DriverManager.getConnection(url); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT current_user")) {
            rs.next();
            assertEquals("sm_hang", rs.getString(1));
        }
    }
}
