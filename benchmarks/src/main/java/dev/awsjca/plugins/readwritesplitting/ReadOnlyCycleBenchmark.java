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
 * {@code setReadOnly(true); SELECT 1; setReadOnly(false); SELECT 1} with a warm reader connection, against
 * the same on one pgjdbc connection (which stays on the writer). Both go through the testkit's endpoints.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
public class ReadOnlyCycleBenchmark {

    @Param({"pgjdbc", "readWriteSplitting"})
    public String driver;

    private PgCluster cluster;
    private Connection connection;

    @Setup(Level.Trial)
    public void start() throws SQLException {
        cluster = PgCluster.builder().replicas(1).start();
        PgNode writer = cluster.writer();
        String hostPort = writer.host() + ":" + writer.port();
        String url = driver.equals("pgjdbc") ? "jdbc:postgresql://" + hostPort + "/postgres"
                : "jdbc:aws-wrapper:postgresql://" + hostPort + "/postgres?plugins=readWriteSplitting,failover"
                + "&clusterInstanceHostPattern=" + URLEncoder.encode(cluster.instanceHostPattern(), StandardCharsets.UTF_8);
        connection = DriverManager.getConnection(url, cluster.superuser(), cluster.password());
        cycle(); // opens the reader connection: the benchmark measures the warm switch
    }

    @TearDown(Level.Trial)
    public void stop() throws SQLException {
        try {
            connection.close();
        } finally {
            cluster.close();
        }
    }

    @Benchmark
    public int cycle() throws SQLException {
        connection.setReadOnly(true);
        int a = selectOne();
        connection.setReadOnly(false);
        return a + selectOne();
    }

    private int selectOne() throws SQLException {
        try (Statement s = connection.createStatement(); ResultSet rs = s.executeQuery("SELECT 1")) {
            rs.next();
            return rs.getInt(1);
        }
    }
}
