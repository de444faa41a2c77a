package dev.awsjca.demo;

import dev.awsjca.jdbc.ConnectionWrapper;
import dev.awsjca.pipeline.JdbcMethod;
import dev.awsjca.testkit.PgCluster;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;

/**
 * The main job: a local PostgreSQL from the testkit, the wrapper driver in front of it, a little work,
 * and what the pipeline did. Grows into the failover demo as the plugins land.
 */
public final class Demo {

    private Demo() {
    }

    public static void main(String[] args) throws Exception {
        long t0 = System.nanoTime();
        System.out.println("Starting a local PostgreSQL (testkit)...");
        try (PgCluster cluster = PgCluster.builder().replicas(0).start()) {
            System.out.printf("  writer %s at %s:%d, up in %.1f s%n", cluster.writer().name(), cluster.writer().host(),
                    cluster.writer().port(), (System.nanoTime() - t0) / 1e9);
            String url = "jdbc:aws-wrapper:postgresql://" + cluster.writer().host() + ":" + cluster.writer().port()
                    + "/postgres?plugins=narrate&ApplicationName=aws-jca-demo";
            System.out.println("\nConnecting through the wrapper driver: " + url);
            try (Connection c = DriverManager.getConnection(url, cluster.superuser(), cluster.password())) {
                ConnectionWrapper wrapper = c.unwrap(ConnectionWrapper.class);
                System.out.println("  connected to " + wrapper.pipeline().currentHost() + ", plugins " + wrapper.pipeline().pluginCodes());
                System.out.println("  chain of Statement.executeQuery: " + wrapper.pipeline().describeChain(JdbcMethod.STATEMENT_EXECUTE_QUERY));
                System.out.println("  chain of ResultSet.getInt:       " + wrapper.pipeline().describeChain(JdbcMethod.RESULT_SET_GET_INT)
                        + " (no plugin subscribed: straight to pgjdbc)");
                work(c);
            }
        }
        System.out.printf("%nDone in %.1f s; the local PostgreSQL is stopped and its files removed.%n", (System.nanoTime() - t0) / 1e9);
    }

    private static void work(Connection c) throws SQLException {
        System.out.println("\nA table, a transaction, a query:");
        try (Statement s = c.createStatement()) {
            s.execute("CREATE TABLE IF NOT EXISTS demo_orders (id serial PRIMARY KEY, item text, qty int)");
        }
        c.setAutoCommit(false);
        try (PreparedStatement ps = c.prepareStatement("INSERT INTO demo_orders (item, qty) VALUES (?, ?)")) {
            for (String item : new String[] {"apples", "pears", "plums"}) {
                ps.setString(1, item);
                ps.setInt(2, item.length());
                ps.executeUpdate();
            }
        }
        c.commit();
        c.setAutoCommit(true);
        try (Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT item, qty FROM demo_orders ORDER BY id")) {
            while (rs.next()) {
                System.out.printf("      row: %-8s %d%n", rs.getString(1), rs.getInt(2));
            }
        }
    }
}
