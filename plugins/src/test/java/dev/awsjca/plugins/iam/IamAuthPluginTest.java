package dev.awsjca.plugins.iam;

import dev.awsjca.jdbc.ConnectionWrapper;
import dev.awsjca.jdbc.FailoverSuccessSQLException;
import dev.awsjca.jdbc.TransactionStateUnknownSQLException;
import dev.awsjca.plugins.aws.LogCapture;
import dev.awsjca.testkit.PgCluster;
import dev.awsjca.testkit.PgNode;
import dev.awsjca.testkit.aws.AwsTestCredentials;
import dev.awsjca.testkit.aws.iam.IamTokenLdapServer;
import dev.awsjca.testkit.aws.iam.RdsEndpoint;
import dev.awsjca.testkit.aws.iam.TokenCheck;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.Timeout;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * IAM logins checked by PostgreSQL itself: its pg_hba sends the password of the IAM roles to the testkit's
 * LDAP verifier, which accepts only a valid SigV4 token for that host, port, user and region.
 */
@Timeout(180)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class IamAuthPluginTest {

    private static final String REGION = "us-west-2";
    private static final AwsTestCredentials CREDENTIALS = AwsTestCredentials.of("AKIDPLUGINIAM0001", "plugin-iam-secret-key");
    private static final List<String> USERS = List.of("iam_app", "iam_storm", "iam_expiry", "iam_refused", "iam_failover");

    private static IamTokenLdapServer ldap;
    private static PgCluster cluster;
    private static AutoCloseable sdkCredentials;
    private static LogCapture logs;

    @BeforeAll
    static void start() {
        logs = LogCapture.install();
        ldap = IamTokenLdapServer.builder().region(REGION).credentials(CREDENTIALS).start();
        List<String> rules = new ArrayList<>();
        USERS.forEach(u -> rules.add(ldap.pgHbaLine("hostssl", "all", u, "127.0.0.0/8", "")));
        cluster = PgCluster.builder().replicas(1).hbaRules(rules).start();
        ldap.acceptEndpointsOf(cluster);
        USERS.forEach(u -> cluster.execute(cluster.writer(), "postgres", "CREATE ROLE " + u + " LOGIN"));
        sdkCredentials = CREDENTIALS.installAsSystemProperties(); // the plugin uses the SDK's default chain
    }

    @AfterAll
    static void stop() throws Exception {
        try {
            if (sdkCredentials != null) {
                sdkCredentials.close();
            }
            if (cluster != null) {
                cluster.close();
            }
            if (ldap != null) {
                ldap.close();
            }
        } finally {
            logs.close();
        }
        List<String> secrets = new ArrayList<>(List.of(CREDENTIALS.secretAccessKey(), "X-Amz-Signature"));
        assertEquals(List.of(), logs.linesContaining(secrets), "a log line shows a token or the secret key");
    }

    static String url(PgNode node, String extra) {
        return "jdbc:aws-wrapper:postgresql://" + node.host() + ":" + node.port() + "/postgres?plugins=iam&iamRegion=" + REGION
                + "&loginTimeout=20" + extra;
    }

    static Connection connect(String url, String user) throws SQLException {
        Properties p = new Properties();
        p.setProperty("user", user);
        return DriverManager.getConnection(url, p);
    }

    static String currentUser(Connection c) throws SQLException {
        try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery("SELECT current_user")) {
            rs.next();
            return rs.getString(1);
        }
    }

    @Test
    @Order(1)
    void logsInWithATokenForTheHostItConnectsTo() throws SQLException {
        PgNode writer = cluster.writer();
        try (Connection c = connect(url(writer, ""), "iam_app")) {
            assertEquals("iam_app", currentUser(c));
        }
        assertEquals(TokenCheck.ACCEPTED, ldap.binds().last().check());
        assertEquals(RdsEndpoint.of(writer.host(), writer.port()), ldap.binds().last().signedFor());
    }

    @Test
    @Order(2)
    void twoHundredConcurrentConnectsMintOneToken() throws Exception {
        int before = ldap.binds().distinctTokensAccepted();
        ExecutorService pool = Executors.newFixedThreadPool(32);
        try {
            List<Future<String>> logins = new ArrayList<>();
            for (int i = 0; i < 200; i++) {
                logins.add(pool.submit(() -> {
                    try (Connection c = connect(url(cluster.writer(), ""), "iam_storm")) {
                        return currentUser(c);
                    }
                }));
            }
            for (Future<String> login : logins) {
                assertEquals("iam_storm", login.get());
            }
        } finally {
            pool.shutdownNow();
        }
        assertEquals(before + 1, ldap.binds().distinctTokensAccepted(), "one token minted for 200 logins");
    }

    @Test
    @Order(3)
    void anExpiredCachedTokenIsReplacedAfterTheAuthenticationFailure() throws SQLException {
        try (Connection c = connect(url(cluster.writer(), ""), "iam_expiry")) {
            assertEquals("iam_expiry", currentUser(c));
        }
        // X-Amz-Date has whole seconds: tokens signed before now are expired; one signed after the pause is not
        ldap.verifier().expireTokensSignedBefore(Instant.now());
        try {
            int refusedBefore = ldap.binds().refused(TokenCheck.EXPIRED);
            sleepMillis(1100);
            try (Connection c = connect(url(cluster.writer(), ""), "iam_expiry")) {
                assertEquals("iam_expiry", currentUser(c));
            }
            assertEquals(refusedBefore + 1, ldap.binds().refused(TokenCheck.EXPIRED), "the cached token was tried and refused");
            assertEquals(TokenCheck.ACCEPTED, ldap.binds().last().check());
        } finally {
            ldap.verifier().expireTokensSignedBefore(Instant.EPOCH);
        }
    }

    @Test
    @Order(4)
    void onlyOneRetryWhenTheDatabaseKeepsRefusing() throws SQLException {
        try (Connection c = connect(url(cluster.writer(), ""), "iam_refused")) {
            currentUser(c);
        }
        int binds = ldap.binds().all().size();
        ldap.refuseNextBinds(5);
        try {
            SQLException e = assertThrows(SQLException.class, () -> connect(url(cluster.writer(), ""), "iam_refused").close());
            assertEquals("28000", e.getSQLState());
            assertEquals(binds + 2, ldap.binds().all().size(), "the cached token, then one fresh token");
        } finally {
            ldap.refuseNextBinds(0);
        }
    }

    @Test
    @Order(5)
    void iamWithoutTlsIsAConfigurationError() {
        SQLException e = assertThrows(SQLException.class, () -> connect(url(cluster.writer(), "&sslmode=disable"), "iam_app"));
        assertTrue(e.getMessage().contains("sslmode") && e.getMessage().contains("iamAllowPlaintext"), e.getMessage());
        SQLException noUser = assertThrows(SQLException.class, () -> DriverManager.getConnection(url(cluster.writer(), ""), new Properties()));
        assertTrue(noUser.getMessage().contains("'user'"), noUser.getMessage());
        SQLException badRegion = assertThrows(SQLException.class, () -> connect(url(cluster.writer(), "&iamRegion=nowhere"), "iam_app"));
        assertTrue(badRegion.getMessage().contains("'iamRegion'"), badRegion.getMessage());
    }

    @Test
    @Order(6)
    void afterAFailoverTheNewWriterGetsATokenSignedForIt() throws Exception {
        String extra = "&plugins=failover,iam&clusterInstanceHostPattern="
                + URLEncoder.encode(cluster.instanceHostPattern(), StandardCharsets.UTF_8);
        try (Connection c = connect(url(cluster.writer(), extra).replace("plugins=iam&", ""), "iam_failover")) {
            cluster.failover();
            try (Statement s = c.createStatement()) {
                s.executeQuery("SELECT 1").close();
            } catch (FailoverSuccessSQLException | TransactionStateUnknownSQLException expected) {
                // moved to the new writer
            }
            PgNode writer = cluster.writer();
            assertEquals(writer.host(), c.unwrap(ConnectionWrapper.class).pipeline().currentHost().host());
            assertEquals("iam_failover", currentUser(c));
            assertEquals(RdsEndpoint.of(writer.host(), writer.port()), ldap.binds().last().signedFor());
            assertTrue(ldap.binds().accepted() > 0);
        }
    }

    private static void sleepMillis(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
