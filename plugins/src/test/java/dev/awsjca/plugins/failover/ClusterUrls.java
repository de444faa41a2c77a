package dev.awsjca.plugins.failover;

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
import java.util.stream.Collectors;

/** URLs and small checks the failover tests share; generous timeouts so a busy machine does not fail them. */
final class ClusterUrls {

    static final String COMMON = "plugins=failover&failoverTimeoutMs=20000&connectTimeout=2&socketTimeout=20";

    private final PgCluster cluster;
    private final TestDatabase db;

    ClusterUrls(PgCluster cluster, TestDatabase db) {
        this.cluster = cluster;
        this.db = db;
    }

    String database() {
        return db.name();
    }

    String pattern() {
        return URLEncoder.encode(cluster.instanceHostPattern(), StandardCharsets.UTF_8);
    }

    /** Through one host (an instance or an endpoint), with the instance host pattern. */
    String url(String hostAndPort, String extra) {
        return "jdbc:aws-wrapper:postgresql://" + hostAndPort + "/" + db.name() + "?" + COMMON
                + "&clusterInstanceHostPattern=" + pattern() + extra;
    }

    String url(PgNode node, String extra) {
        return url(node.host() + ":" + node.port(), extra);
    }

    /** Every instance endpoint in the URL, no host pattern: self-managed streaming replication. */
    String multiHostUrl(String extra) {
        String hosts = cluster.nodes().stream().map(n -> n.host() + ":" + n.port()).collect(Collectors.joining(","));
        return "jdbc:aws-wrapper:postgresql://" + hosts + "/" + db.name() + "?" + COMMON + extra;
    }

    Connection connect(String url) throws SQLException {
        return DriverManager.getConnection(url, db.user(), db.password());
    }

    /** A plain pgjdbc connection to the current writer, for checking what the database holds. */
    Connection direct() throws SQLException {
        return db.connect();
    }

    /** The host the logical connection runs on now. */
    static String host(Connection c) throws SQLException {
        return c.unwrap(ConnectionWrapper.class).pipeline().currentHost().host();
    }

    static boolean onWriter(Connection c) throws SQLException {
        return "t".equals(queryString(c, "SELECT NOT pg_catalog.pg_is_in_recovery()"));
    }

    static String queryString(Connection c, String sql) throws SQLException {
        try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
            return rs.next() ? rs.getString(1) : null;
        }
    }

    /** Brings every node back as a member of the cluster, so each test starts healthy. */
    static void healthy(PgCluster cluster) {
        cluster.restoreHealth();
    }
}
