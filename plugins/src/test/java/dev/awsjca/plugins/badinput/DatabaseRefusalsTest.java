package dev.awsjca.plugins.badinput;

import dev.awsjca.plugins.aws.LogCapture;
import dev.awsjca.testkit.PgCluster;
import dev.awsjca.testkit.TestDatabase;
import dev.awsjca.testkit.WithPgCluster;
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
import java.util.Set;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * What the database itself can answer, through the default plugins (failover, hostMonitoring): a refused login,
 * a cancelled statement, a terminated session, a dropped database. Each reaches the application with the
 * database's SQLState, in bounded time, with no password anywhere, and a refusal never starts a failover that
 * waits out {@code failoverTimeoutMs}.
 */
@WithPgCluster(replicas = 1, shared = false)
@Timeout(value = 3, unit = TimeUnit.MINUTES)
class DatabaseRefusalsTest {

    /** Generous for a busy machine, far below failoverTimeoutMs: a refusal must not be retried as a failover. */
    private static final Duration BOUND = Duration.ofSeconds(10);
    private static final String FAILOVER_TIMEOUT_MS = "45000";
    private static final List<String> SECRETS = new ArrayList<>();
    private static LogCapture logs;

    private final PgCluster cluster;
    private final TestDatabase db;

    DatabaseRefusalsTest(PgCluster cluster, TestDatabase db) {
        this.cluster = cluster;
        this.db = db;
    }

    @BeforeAll
    static void captureLogs() {
        logs = LogCapture.install();
    }

    @AfterAll
    static void noSecretInTheLogs() {
        logs.close();
        assertEquals(List.of(), logs.linesContaining(SECRETS), "a log line shows a password");
    }

    private String url(String database) {
        return "jdbc:aws-wrapper:postgresql://" + cluster.writer().host() + ":" + cluster.writer().port() + "/" + database
                + "?clusterInstanceHostPattern=" + URLEncoder.encode(cluster.instanceHostPattern(), StandardCharsets.UTF_8)
                + "&failoverTimeoutMs=" + FAILOVER_TIMEOUT_MS + "&connectTimeout=3";
    }

    private void role(String name, String password, String options) {
        SECRETS.add(password);
        logs.untraced(() -> cluster.execute(cluster.writer(), "postgres", "DROP ROLE IF EXISTS " + name,
                "CREATE ROLE " + name + " " + options + " PASSWORD '" + password + "'",
                "GRANT CONNECT ON DATABASE " + db.name() + " TO " + name));
    }

    /** The login is refused with {@code sqlState}, quickly, and nothing in the exception chain shows the password. */
    private SQLException refusedLogin(String database, String user, String password, String sqlState) {
        long t0 = System.nanoTime();
        SQLException e = assertThrows(SQLException.class, () -> DriverManager.getConnection(url(database), user, password).close());
        Duration took = Duration.ofNanos(System.nanoTime() - t0);
        assertEquals(sqlState, e.getSQLState(), () -> "SQLState of: " + e);
        assertTrue(took.compareTo(BOUND) < 0, "refused after " + took.toMillis() + " ms: retried as if the writer were lost?");
        for (Throwable t = e; t != null; t = t.getCause()) {
            assertFalse(String.valueOf(t.getMessage()).contains(password), "the password is in: " + t);
            assertFalse(t.toString().contains(password), "the password is in: " + t);
        }
        return e;
    }

    @Test
    void wrongPasswordIs28P01() {
        role("refused_wrong", "right-Pa55-word", "LOGIN");
        SECRETS.add("wrong-Pa55-word");
        refusedLogin(db.name(), "refused_wrong", "wrong-Pa55-word", "28P01");
    }

    @Test
    void expiredPasswordIs28P01() {
        role("refused_expired", "expired-Pa55-word", "LOGIN VALID UNTIL '2000-01-01'");
        refusedLogin(db.name(), "refused_expired", "expired-Pa55-word", "28P01");
    }

    @Test
    void roleWithoutLoginIs28000() {
        role("refused_nologin", "nologin-Pa55-word", "NOLOGIN");
        SQLException e = refusedLogin(db.name(), "refused_nologin", "nologin-Pa55-word", "28000");
        assertTrue(e.getMessage().contains("refused_nologin"), e.getMessage());
    }

    @Test
    void unknownDatabaseIs3D000AndNamesIt() {
        SQLException e = refusedLogin("no_such_database", db.user(), db.password(), "3D000");
        assertTrue(e.getMessage().contains("no_such_database"), e.getMessage());
    }

    @Test
    void tooManyConnectionsIs53300() throws SQLException {
        role("refused_limit", "limit-Pa55-word", "LOGIN CONNECTION LIMIT 1");
        try (Connection first = DriverManager.getConnection(url(db.name()), "refused_limit", "limit-Pa55-word")) {
            assertTrue(first.isValid(2));
            refusedLogin(db.name(), "refused_limit", "limit-Pa55-word", "53300");
            assertTrue(first.isValid(2), "the connection that holds the slot still works");
        }
    }

    @Test
    void aStatementCancelledByStatementTimeoutIs57014AndTheSessionStays() throws SQLException {
        try (Connection c = DriverManager.getConnection(url(db.name()), db.user(), db.password());
             Statement s = c.createStatement()) {
            int pid = backendPid(c);
            s.execute("SET statement_timeout = 200");
            long t0 = System.nanoTime();
            SQLException e = assertThrows(SQLException.class, () -> s.execute("SELECT pg_sleep(5)"));
            assertEquals("57014", e.getSQLState(), e::toString);
            assertTrue(Duration.ofNanos(System.nanoTime() - t0).compareTo(BOUND) < 0);
            assertEquals(pid, backendPid(c), "a cancelled statement is no lost connection: same session, no failover");
            assertEquals("200ms", query(c, "SHOW statement_timeout"), "the session's settings are still there");
        }
    }

    @Test
    void aSessionTerminatedByAnAdministratorIsReportedAndTheHandleWorksAgain() throws SQLException {
        try (Connection c = DriverManager.getConnection(url(db.name()), db.user(), db.password())) {
            int pid = backendPid(c);
            try (Connection admin = db.connect(); Statement s = admin.createStatement()) {
                s.execute("SELECT pg_terminate_backend(" + pid + ")");
            }
            SQLException e = assertThrows(SQLException.class, () -> query(c, "SELECT 1"));
            // 08007 too: an autocommit statement in flight whose outcome the adapter cannot prove is never 08S02
            assertTrue(Set.of("08S02", "08007", "57P01").contains(e.getSQLState()),
                    "a terminated session is a lost connection (08S02, 08007) or the server's 57P01, was " + e);
            assertEquals("1", query(c, "SELECT 1"), "the same handle works on a new session");
            assertNotEquals(pid, backendPid(c));
        }
    }

    @Test
    void aDatabaseDroppedUnderTheConnectionFailsFastNamingIt() throws SQLException {
        TestDatabase doomed = cluster.createFreshDatabase("doomed");
        try (Connection c = DriverManager.getConnection(url(doomed.name()), db.user(), db.password())) {
            assertEquals("1", query(c, "SELECT 1"));
            cluster.dropDatabase(doomed.name()); // WITH (FORCE): the session is terminated first
            long t0 = System.nanoTime();
            SQLException e = assertThrows(SQLException.class, () -> query(c, "SELECT 1"));
            Duration took = Duration.ofNanos(System.nanoTime() - t0);
            assertTrue(took.compareTo(BOUND) < 0, "the dropped database was answered after " + took.toMillis()
                    + " ms: a login the database refuses must not be retried until failoverTimeoutMs");
            boolean named = false;
            for (Throwable t = e; t != null; t = t.getCause()) {
                named |= String.valueOf(t.getMessage()).contains(doomed.name());
            }
            assertTrue(named, "no message in the chain names the database: " + e);
        }
    }

    private static int backendPid(Connection c) throws SQLException {
        return Integer.parseInt(query(c, "SELECT pg_backend_pid()"));
    }

    private static String query(Connection c, String sql) throws SQLException {
        try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
            rs.next();
            return rs.getString(1);
        }
    }
}
