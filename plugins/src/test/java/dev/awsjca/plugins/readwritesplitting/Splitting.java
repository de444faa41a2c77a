package dev.awsjca.plugins.readwritesplitting;

import dev.awsjca.jdbc.ConnectionWrapper;
import dev.awsjca.testkit.PgCluster;
import dev.awsjca.testkit.PgNode;
import dev.awsjca.testkit.TestDatabase;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;

/** URLs and checks the read/write splitting tests share. */
final class Splitting {

    static final String COMMON = "failoverTimeoutMs=20000&connectTimeout=2&socketTimeout=20";

    private final PgCluster cluster;
    private final TestDatabase db;

    Splitting(PgCluster cluster, TestDatabase db) {
        this.cluster = cluster;
        this.db = db;
    }

    String url(String plugins, String extra) {
        PgNode writer = cluster.writer();
        return "jdbc:aws-wrapper:postgresql://" + writer.host() + ":" + writer.port() + "/" + db.name() + "?plugins=" + plugins
                + "&" + COMMON + "&clusterInstanceHostPattern="
                + URLEncoder.encode(cluster.instanceHostPattern(), StandardCharsets.UTF_8) + extra;
    }

    Connection connect(String extra) throws SQLException {
        return DriverManager.getConnection(url("readWriteSplitting,failover,hostMonitoring", extra), db.user(), db.password());
    }

    Connection connect(String plugins, String extra) throws SQLException {
        return DriverManager.getConnection(url(plugins, extra), db.user(), db.password());
    }

    Connection direct() throws SQLException {
        return db.connect();
    }

    static String host(Connection c) throws SQLException {
        return c.unwrap(ConnectionWrapper.class).pipeline().currentHost().host();
    }

    static boolean onReplica(Connection c) throws SQLException {
        return "t".equals(queryString(c, "SELECT pg_catalog.pg_is_in_recovery()"));
    }

    static String queryString(Connection c, String sql) throws SQLException {
        try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
            return rs.next() ? rs.getString(1) : null;
        }
    }

    static void execute(Connection c, String sql) throws SQLException {
        try (Statement s = c.createStatement()) {
            s.execute(sql);
        }
    }

    /** Connections of this database on every running node whose application_name is {@code app}. */
    int openConnections(String app) throws SQLException {
        int n = 0;
        for (PgNode node : cluster.nodes()) {
            if (!node.isRunning()) {
                continue;
            }
            try (Connection c = node.connectDirect(db.name()); Statement s = c.createStatement();
                 ResultSet rs = s.executeQuery("SELECT count(*) FROM pg_catalog.pg_stat_activity WHERE application_name = '"
                         + app + "' AND pid <> pg_catalog.pg_backend_pid()")) {
                rs.next();
                n += rs.getInt(1);
            }
        }
        return n;
    }
}
