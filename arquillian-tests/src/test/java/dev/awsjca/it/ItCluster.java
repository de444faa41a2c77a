package dev.awsjca.it;

import dev.awsjca.testkit.PgCluster;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;

/**
 * The PostgreSQL cluster of the WildFly tests: started in this (client) JVM on first use, before
 * Arquillian makes the deployments that point the adapter at it; stopped by the testkit's shutdown hook
 * when the JVM ends. Two databases, for the two connection definitions.
 */
final class ItCluster {

    static final String FIRST = "app1";
    static final String SECOND = "app2";

    private static PgCluster cluster;

    private ItCluster() {
    }

    static synchronized PgCluster get() {
        if (cluster == null) {
            ServerLog.mark();
            PgCluster started = PgCluster.builder().replicas(0).start();
            for (String db : new String[] {FIRST, SECOND}) {
                started.createDatabase(db);
                started.writer().execute(db, "CREATE TABLE rows (id text PRIMARY KEY)");
            }
            cluster = started;
        }
        return cluster;
    }

    /** Rows with this id, counted with raw pgjdbc straight on the writer (not through the adapter). */
    static int count(String database, String id) throws SQLException {
        PgCluster c = get();
        try (Connection conn = DriverManager.getConnection(c.jdbcUrl(database), c.superuser(), c.password());
             PreparedStatement ps = conn.prepareStatement("select count(*) from rows where id = ?")) {
            ps.setString(1, id);
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getInt(1);
            }
        }
    }

    /** Transactions left prepared on the writer (none may stay behind). */
    static int preparedTransactions() throws SQLException {
        PgCluster c = get();
        try (Connection conn = DriverManager.getConnection(c.jdbcUrl("postgres"), c.superuser(), c.password());
             ResultSet rs = conn.createStatement().executeQuery("select count(*) from pg_prepared_xacts")) {
            rs.next();
            return rs.getInt(1);
        }
    }

    /** Sessions on the writer the adapter may have opened: to the tests' databases, or its monitors'. */
    static List<String> adapterSessions() throws SQLException {
        PgCluster c = get();
        try (Connection conn = DriverManager.getConnection(c.jdbcUrl("postgres"), c.superuser(), c.password());
             ResultSet rs = conn.createStatement().executeQuery("select pid, datname, usename, application_name,"
                     + " backend_start, state, left(query, 60) from pg_stat_activity"
                     + " where backend_type = 'client backend' and pid <> pg_backend_pid()"
                     + " and (datname in ('" + FIRST + "', '" + SECOND + "') or application_name like 'aws-advanced-jca%')")) {
            List<String> sessions = new ArrayList<>();
            while (rs.next()) {
                sessions.add("pid " + rs.getInt(1) + " db " + rs.getString(2) + " user " + rs.getString(3) + " application '"
                        + rs.getString(4) + "' since " + rs.getString(5) + " " + rs.getString(6) + ": " + rs.getString(7));
            }
            return sessions;
        }
    }

    static void insertRaw(String database, String id) throws SQLException {
        PgCluster c = get();
        try (Connection conn = DriverManager.getConnection(c.jdbcUrl(database), c.superuser(), c.password());
             PreparedStatement ps = conn.prepareStatement("INSERT INTO rows (id) VALUES (?)")) {
            ps.setString(1, id);
            ps.executeUpdate();
        }
    }
}
