package dev.awsjca.payara;

import dev.awsjca.testkit.PgCluster;
import dev.awsjca.testkit.PgNode;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.HashSet;
import java.util.Set;

/**
 * The PostgreSQL cluster of the Payara tests (a writer and two replicas, the Aurora topology functions):
 * started in this JVM on first use, stopped by the testkit's shutdown hook. Two databases for XA over two
 * resource managers; the application logs in as {@code app}, recovery as the superuser.
 */
final class TestCluster {

    static final String FIRST = "app1";
    static final String SECOND = "app2";
    static final String APP_USER = "app";

    private static PgCluster cluster;

    private TestCluster() {
    }

    static synchronized PgCluster get() {
        if (cluster == null) {
            PgCluster started = PgCluster.builder().replicas(2).start();
            started.writer().execute("postgres", "CREATE ROLE " + APP_USER + " LOGIN PASSWORD '" + started.password() + "'");
            for (String db : new String[] {FIRST, SECOND}) {
                started.createDatabase(db);
                started.writer().execute(db, "CREATE TABLE rows (id text PRIMARY KEY)", "GRANT ALL ON rows TO " + APP_USER);
            }
            started.awaitReplication();
            cluster = started;
        }
        return cluster;
    }

    /** The adapter's Url for a database: the cluster endpoint, short timeouts (the tests crash writers). */
    static String url(String database) {
        PgCluster c = get();
        return "jdbc:aws-wrapper:postgresql://" + c.clusterEndpoint().host() + ":" + c.clusterEndpoint().port() + "/"
                + database + "?connectTimeout=2&socketTimeout=20";
    }

    static int count(String database, String id) throws SQLException {
        return ids(database, "id = '" + id.replace("'", "''") + "'").size();
    }

    static Set<String> ids(String database, String where) throws SQLException {
        PgNode writer = get().writer();
        Set<String> ids = new HashSet<>();
        try (Connection c = DriverManager.getConnection(writer.jdbcUrl(database), get().superuser(), get().password());
             PreparedStatement ps = c.prepareStatement("SELECT id FROM rows WHERE " + where); ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
                ids.add(rs.getString(1));
            }
        }
        return ids;
    }

    static int prepared(PgNode node) {
        return Integer.parseInt(node.queryString("SELECT count(*) FROM pg_prepared_xacts"));
    }

    /** Sessions the adapter may have opened on any running node: to the tests' databases, or its monitors'. */
    static int adapterSessions() {
        int sessions = 0;
        for (PgNode node : get().nodes()) {
            if (node.isRunning()) {
                sessions += Integer.parseInt(node.queryString("SELECT count(*) FROM pg_stat_activity"
                        + " WHERE backend_type = 'client backend' AND pid <> pg_backend_pid()"
                        + " AND (usename = '" + APP_USER + "' OR datname IN ('" + FIRST + "', '" + SECOND + "')"
                        + " OR application_name LIKE 'aws-advanced-jca%')"));
            }
        }
        return sessions;
    }
}
