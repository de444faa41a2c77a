package dev.awsjca.plugins.readwritesplitting;

import dev.awsjca.testkit.PgCluster;
import dev.awsjca.testkit.PgNode;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.concurrent.TimeUnit;

/**
 * {@code setReadOnly(true); SELECT 1; setReadOnly(false); SELECT 1} with a warm reader connection, against two
 * baselines on pgjdbc: the same calls on one connection (which stays on the writer: one server process, always
 * warm), and an application that holds a reader and a writer connection itself and reads on the one, then on the
 * other (the same work on the database as the plugin's: a round trip to each node per cycle). All go through the
 * testkit's endpoints.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
public class ReadOnlyCycleBenchmark {

    @Param({"pgjdbc", "pgjdbcTwoConnections", "readWriteSplitting"})
    public String driver;

    private PgCluster cluster;
    private Connection connection;
    private Connection readerConnection; // pgjdbcTwoConnections only

    @Setup(Level.Trial)
    public void start() throws SQLException {
        cluster = PgCluster.builder().replicas(1).start();
        PgNode writer = cluster.writer();
        String hostPort = writer.host() + ":" + writer.port();
        String url = driver.equals("pgjdbc") ? "jdbc:postgresql://" + hostPort + "/postgres"
                : "jdbc:aws-wrapper:postgresql://" + hostPort + "/postgres?plugins=readWriteSplitting,failover"
                + "&clusterInstanceHostPattern=" + URLEncoder.encode(cluster.instanceHostPattern(), StandardCharsets.UTF_8);
        connection = DriverManager.getConnection(url, cluster.superuser(), cluster.password());
        if (driver.equals("pgjdbcTwoConnections")) {
            PgNode reader = cluster.nodes().stream().filter(n -> n != writer).findFirst().orElseThrow();
            readerConnection = DriverManager.getConnection("jdbc:postgresql://" + reader.host() + ":" + reader.port()
                    + "/postgres", cluster.superuser(), cluster.password());
        }
        cycle(); // opens the reader connection: the benchmark measures the warm switch
    }

    @TearDown(Level.Trial)
    public void stop() throws SQLException {
        try {
            connection.close();
            if (readerConnection != null) {
                readerConnection.close();
            }
        } finally {
            cluster.close();
        }
    }

    @Benchmark
    public int cycle() throws SQLException {
        if (readerConnection != null) {
            return selectOne(readerConnection) + selectOne(connection);
        }
        connection.setReadOnly(true);
        int a = selectOne(connection);
        connection.setReadOnly(false);
        return a + selectOne(connection);
    }

    private static int selectOne(Connection c) throws SQLException {
        try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery("SELECT 1")) {
            rs.next();
            return rs.getInt(1);
        }
    }
}
