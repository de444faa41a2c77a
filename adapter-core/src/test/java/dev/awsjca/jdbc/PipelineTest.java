package dev.awsjca.jdbc;

import dev.awsjca.pipeline.TestPlugins;
import dev.awsjca.testkit.PgClusterExtension;
import dev.awsjca.testkit.TestDatabase;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;

import static dev.awsjca.jdbc.JdbcParityTest.wrapperUrl;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The pipeline on a real connection: order, subscriptions, failures, and a plugin that moves the connection. */
@ExtendWith(PgClusterExtension.class)
class PipelineTest {

    @BeforeEach
    void clearEvents() {
        TestPlugins.EVENTS.clear();
    }

    private static Connection open(TestDatabase db, String plugins) throws SQLException {
        return DriverManager.getConnection(wrapperUrl(db, plugins), db.user(), db.password());
    }

    @Test
    void pluginsRunInConfiguredOrderAroundConnectAndCalls(TestDatabase db) throws SQLException {
        try (Connection c = open(db, "second,first")) {
            assertEquals(List.of("second>connect", "first>connect", "first<connect", "second<connect"), TestPlugins.EVENTS);
            Statement s = c.createStatement();
            TestPlugins.EVENTS.clear();
            s.executeQuery("SELECT 1").close();
            assertEquals(List.of(
                    "second>Statement.executeQuery", "first>Statement.executeQuery",
                    "first<Statement.executeQuery", "second<Statement.executeQuery",
                    "second>ResultSet.close", "first>ResultSet.close", "first<ResultSet.close", "second<ResultSet.close"),
                    TestPlugins.EVENTS);
        }
    }

    @Test
    void aPluginSeesOnlyWhatItSubscribedTo(TestDatabase db) throws SQLException {
        try (Connection c = open(db, "executeOnly")) {
            TestPlugins.EVENTS.clear();
            try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery("SELECT 1")) {
                rs.next();
                rs.getInt(1);
                c.getAutoCommit();
            }
            try (var ps = c.prepareStatement("SELECT ?")) {
                ps.setInt(1, 1);
                ps.executeQuery().close();
            }
            assertEquals(List.of("executeOnly>Statement.executeQuery", "executeOnly<Statement.executeQuery",
                    "executeOnly>PreparedStatement.executeQuery", "executeOnly<PreparedStatement.executeQuery"), TestPlugins.EVENTS);
        }
    }

    @Test
    void aPluginsSqlExceptionReachesTheApplicationAsThrownAndTheConnectionStaysUsable(TestDatabase db) throws SQLException {
        try (Connection c = open(db, "first,failing"); Statement s = c.createStatement()) {
            SQLException e = assertThrows(SQLException.class, () -> s.executeQuery("SELECT 'plugin-fails'"));
            assertSame(TestPlugins.Failing.FAILURE, e);
            assertTrue(TestPlugins.EVENTS.contains("first>Statement.executeQuery"));
            IllegalStateException bug = assertThrows(IllegalStateException.class, () -> s.execute("SELECT 'plugin-breaks'"));
            assertEquals("a bug in the failing plugin", bug.getMessage());
            try (ResultSet rs = s.executeQuery("SELECT 2")) {
                rs.next();
                assertEquals(2, rs.getInt(1));
            }
        }
    }

    @Test
    void driverExceptionsPassThroughPluginsUnchanged(TestDatabase db) throws SQLException {
        SQLException direct;
        try (Connection raw = db.connect(); Statement s = raw.createStatement()) {
            direct = assertThrows(SQLException.class, () -> s.execute("SELECT 1/0"));
        }
        try (Connection c = open(db, "first,second"); Statement s = c.createStatement()) {
            SQLException wrapped = assertThrows(SQLException.class, () -> s.execute("SELECT 1/0"));
            assertEquals(direct.getClass(), wrapped.getClass());
            assertEquals(direct.getSQLState(), wrapped.getSQLState());
            assertEquals(direct.getMessage(), wrapped.getMessage());
        }
    }

    @Test
    void aPluginCanMoveTheConnectionToANewPhysicalOne(TestDatabase db) throws SQLException {
        try (Connection c = open(db, "first,switching")) {
            int before = backendPid(c);
            Statement old = c.createStatement();
            TestPlugins.EVENTS.clear();
            c.setClientInfo("switch", "now");
            assertTrue(TestPlugins.EVENTS.containsAll(List.of("first>connect", "first<connect", "first:connectionChanged")),
                    TestPlugins.EVENTS.toString());
            int after = backendPid(c);
            assertNotEquals(before, after, "the logical connection runs on another server session");
            assertThrows(SQLException.class, () -> old.executeQuery("SELECT 1"), "statements of the old session are gone with it");
            assertSame(c, c.createStatement().getConnection());
        }
        assertTrue(TestPlugins.EVENTS.contains("first:release"));
    }

    @Test
    void aFailedConnectReleasesEveryPlugin(TestDatabase db) {
        SQLException e = assertThrows(SQLException.class, () -> open(db, "first,refusingConnect"));
        assertEquals("28000", e.getSQLState());
        assertTrue(TestPlugins.EVENTS.containsAll(List.of("first:release", "refusingConnect:release")), TestPlugins.EVENTS.toString());
    }

    @Test
    void closingTheConnectionReleasesPluginsAndLeavesItClosed(TestDatabase db) throws SQLException {
        Connection c = open(db, "first");
        c.close();
        assertTrue(TestPlugins.EVENTS.contains("first:release"));
        assertTrue(c.isClosed());
        SQLException wrapped = assertThrows(SQLException.class, c::createStatement);
        try (Connection raw = db.connect()) {
            raw.close();
            SQLException direct = assertThrows(SQLException.class, raw::createStatement);
            assertEquals(direct.getMessage(), wrapped.getMessage());
            assertEquals(direct.getSQLState(), wrapped.getSQLState());
        }
    }

    private static int backendPid(Connection c) throws SQLException {
        try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery("SELECT pg_backend_pid()")) {
            rs.next();
            return rs.getInt(1);
        }
    }
}
