package dev.awsjca.testkit.aws.iam;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.awsjca.testkit.PgCluster;
import dev.awsjca.testkit.PgNode;
import dev.awsjca.testkit.aws.AwsTestCredentials;
import java.nio.file.Files;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Properties;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * End to end: PostgreSQL itself accepts or refuses IAM tokens, its pg_hba delegating the password check
 * of the IAM roles to the LDAP verifier. Tokens come from the real SDK; pgjdbc logs in over TLS.
 */
@Timeout(120)
class IamTokensInPostgreSqlTest {

    private static final String REGION = "us-west-2";
    private static final AwsTestCredentials CREDENTIALS = AwsTestCredentials.of("AKIDE2EIAM000001", "e2e-iam-secret-key");
    private static final String IAM_USER = "iam_app";
    private static final String OTHER_IAM_USER = "iam_reporting";

    private static IamTokenLdapServer ldap;
    private static PgCluster cluster;

    @BeforeAll
    static void startClusterWithLdapRules() {
        ldap = IamTokenLdapServer.builder().region(REGION).credentials(CREDENTIALS).start();
        // RDS requires TLS for IAM logins: hostssl, so a plain connection falls through to the password rule
        cluster = PgCluster.builder()
                .replicas(1)
                .hbaRules(List.of(
                        ldap.pgHbaLine("hostssl", "all", IAM_USER, "127.0.0.0/8", ""),
                        ldap.pgHbaLine("hostssl", "all", OTHER_IAM_USER, "127.0.0.0/8", "")))
                .start();
        // every address a client may sign for reaches one of these servers through the proxies
        ldap.acceptEndpointsOf(cluster);
        cluster.execute(cluster.writer(), "postgres",
                "CREATE ROLE " + IAM_USER + " LOGIN", "CREATE ROLE " + OTHER_IAM_USER + " LOGIN");
    }

    @AfterAll
    static void stop() {
        if (cluster != null) {
            cluster.close();
        }
        if (ldap != null) {
            ldap.close();
        }
    }

    private static Connection connect(String host, int port, String user, String token, String sslmode) throws SQLException {
        Properties props = new Properties();
        props.setProperty("user", user);
        props.setProperty("password", token);
        props.setProperty("sslmode", sslmode);
        props.setProperty("loginTimeout", "20");
        return DriverManager.getConnection("jdbc:postgresql://" + host + ":" + port + "/postgres", props);
    }

    private static String currentUser(Connection c) throws SQLException {
        try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery("SELECT current_user")) {
            rs.next();
            return rs.getString(1);
        }
    }

    private static SQLException refused(String host, int port, String user, String token) {
        return assertThrows(SQLException.class, () -> connect(host, port, user, token, "require").close());
    }

    @Test
    void freshSdkTokenLogsInToTheWriter() throws SQLException {
        PgNode writer = cluster.writer();
        String token = SdkRdsTokens.token(CREDENTIALS, REGION, writer.host(), writer.port(), IAM_USER);
        try (Connection c = connect(writer.host(), writer.port(), IAM_USER, token, "require")) {
            assertEquals(IAM_USER, currentUser(c));
        }
        BindAttempt bind = ldap.binds().last();
        assertEquals(TokenCheck.ACCEPTED, bind.check());
        assertEquals(RdsEndpoint.of(writer.host(), writer.port()), bind.signedFor());
    }

    @Test
    void tokensSignedForTheClusterEndpointAndAReplicaLogIn() throws SQLException {
        var endpoint = cluster.clusterEndpoint();
        try (Connection c = connect(endpoint.host(), endpoint.port(), IAM_USER,
                SdkRdsTokens.token(CREDENTIALS, REGION, endpoint.host(), endpoint.port(), IAM_USER), "require")) {
            assertEquals(IAM_USER, currentUser(c));
        }
        PgNode replica = cluster.replicas().get(0);
        try (Connection c = connect(replica.host(), replica.port(), OTHER_IAM_USER,
                SdkRdsTokens.token(CREDENTIALS, REGION, replica.host(), replica.port(), OTHER_IAM_USER), "require")) {
            assertEquals(OTHER_IAM_USER, currentUser(c));
        }
    }

    @Test
    void afterAFailoverTheNewWritersTokenLogsInAndTheBindLogTellsWhereItWasSigned() throws SQLException {
        PgNode oldWriter = cluster.writer();
        cluster.failover();
        try {
            PgNode newWriter = cluster.writer();
            String token = SdkRdsTokens.token(CREDENTIALS, REGION, newWriter.host(), newWriter.port(), IAM_USER);
            try (Connection c = connect(newWriter.host(), newWriter.port(), IAM_USER, token, "require");
                    Statement s = c.createStatement();
                    ResultSet rs = s.executeQuery("SELECT pg_is_in_recovery(), aurora_db_instance_identifier()")) {
                rs.next();
                assertFalse(rs.getBoolean(1), "logged in on the new writer");
                assertEquals(newWriter.instanceId(), rs.getString(2));
            }
            // the permissive endpoint set accepts any address of the cluster; the log says which one was signed
            assertEquals(RdsEndpoint.of(newWriter.host(), newWriter.port()), ldap.binds().last().signedFor());
        } finally {
            cluster.rejoin(oldWriter);
        }
    }

    @Test
    void postgresRefusesAForgedToken() {
        PgNode writer = cluster.writer();
        AwsTestCredentials forger = AwsTestCredentials.of(CREDENTIALS.accessKeyId(), "a-guessed-secret-key");
        SQLException e = refused(writer.host(), writer.port(), IAM_USER,
                SdkRdsTokens.token(forger, REGION, writer.host(), writer.port(), IAM_USER));
        assertEquals("28000", e.getSQLState(), e.getMessage());
        assertEquals(TokenCheck.BAD_SIGNATURE, ldap.binds().last().check());
    }

    @Test
    void postgresRefusesAnExpiredToken() {
        PgNode writer = cluster.writer();
        String expired = SdkRdsTokens.tokenSignedAt(Instant.now().minus(Duration.ofMinutes(20)), CREDENTIALS, REGION,
                writer.host(), writer.port(), IAM_USER);
        SQLException e = refused(writer.host(), writer.port(), IAM_USER, expired);
        assertEquals("28000", e.getSQLState(), e.getMessage());
        assertEquals(TokenCheck.EXPIRED, ldap.binds().last().check());
    }

    @Test
    void postgresRefusesAnotherUsersToken() {
        PgNode writer = cluster.writer();
        String forOther = SdkRdsTokens.token(CREDENTIALS, REGION, writer.host(), writer.port(), OTHER_IAM_USER);
        SQLException e = refused(writer.host(), writer.port(), IAM_USER, forOther);
        assertEquals("28000", e.getSQLState(), e.getMessage());
        assertEquals(TokenCheck.WRONG_USER, ldap.binds().last().check());
    }

    @Test
    void postgresRefusesATokenForAnotherHost() {
        PgNode writer = cluster.writer();
        String elsewhere = SdkRdsTokens.token(CREDENTIALS, REGION, "db.elsewhere.example", writer.port(), IAM_USER);
        refused(writer.host(), writer.port(), IAM_USER, elsewhere);
        assertEquals(TokenCheck.WRONG_ENDPOINT, ldap.binds().last().check());
    }

    @Test
    void aValidTokenWithoutTlsIsRefusedBeforeTheVerifierIsAsked() {
        PgNode writer = cluster.writer();
        String token = SdkRdsTokens.token(CREDENTIALS, REGION, writer.host(), writer.port(), IAM_USER);
        int bindsBefore = ldap.binds().all().size();
        SQLException e = assertThrows(SQLException.class,
                () -> connect(writer.host(), writer.port(), IAM_USER, token, "disable").close());
        assertEquals("28P01", e.getSQLState(), e.getMessage()); // the catch-all scram rule: no password for the role
        assertEquals(bindsBefore, ldap.binds().all().size());
    }

    @Test
    void theServerLogShowsTheReasonButNoToken() throws Exception {
        PgNode writer = cluster.writer();
        String token = SdkRdsTokens.token(CREDENTIALS, REGION, writer.host(), writer.port(), OTHER_IAM_USER);
        refused(writer.host(), writer.port(), IAM_USER, token);
        String signature = token.substring(token.indexOf("X-Amz-Signature=") + "X-Amz-Signature=".length());
        String log = Files.readString(writer.logFile());
        assertTrue(log.contains("IAM token refused: WRONG_USER"), "the LDAP diagnostic reaches PostgreSQL's log");
        assertFalse(log.contains(signature), "no token in PostgreSQL's log");
    }
}
