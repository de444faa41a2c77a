package dev.awsjca.benchmarks.overhead;

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

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.concurrent.TimeUnit;

/**
 * What the wrapper costs over pgjdbc: the same JDBC calls on raw pgjdbc, on the wrapper with no plugins,
 * on the wrapper with three no-op plugins subscribed to every method, and with the real failover and
 * hostMonitoring plugins (a one-node cluster: the host monitor runs). Two calls go over loopback to
 * a real PostgreSQL (SELECT 1, a small prepared INSERT); two stay in memory (ResultSet.getInt on a
 * fetched row, Connection.getAutoCommit) so that nanoseconds per plugin are visible above the noise.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class PipelineOverheadBenchmark {

    // JMH splits -p values at commas: plugin lists are joined with '+' here
    @Param({"pgjdbc", "wrapper", "wrapper+3noop", "wrapper+failover", "wrapper+failover+hostMonitoring"})
    public String driver;

    private PgCluster cluster;
    private Connection connection;
    private Statement statement;
    private PreparedStatement insert;
    private ResultSet fetchedRow;
    private ResultSet scrollable;
    private int n;

    @Setup(Level.Trial)
    public void start() throws SQLException {
        cluster = PgCluster.builder().replicas(0).start();
        PgNode writer = cluster.writer();
        // the server's own port: the testkit's fault proxy would add its hop to every call
        String pgjdbcUrl = "jdbc:postgresql://" + writer.host() + ":" + writer.serverPort() + "/postgres";
        String url = switch (driver) {
            case "pgjdbc" -> pgjdbcUrl;
            case "wrapper" -> pgjdbcUrl.replace("jdbc:postgresql:", "jdbc:aws-wrapper:postgresql:") + "?plugins=";
            case "wrapper+3noop" -> pgjdbcUrl.replace("jdbc:postgresql:", "jdbc:aws-wrapper:postgresql:") + "?plugins=noopA,noopB,noopC";
            // dialect=postgresql: the cluster is the URL's host (the server port has no instance host pattern)
            case "wrapper+failover" -> pgjdbcUrl.replace("jdbc:postgresql:", "jdbc:aws-wrapper:postgresql:")
                    + "?plugins=failover&dialect=postgresql";
            case "wrapper+failover+hostMonitoring" -> pgjdbcUrl.replace("jdbc:postgresql:", "jdbc:aws-wrapper:postgresql:")
                    + "?plugins=failover,hostMonitoring&dialect=postgresql";
            default -> throw new IllegalArgumentException(driver);
        };
        connection = DriverManager.getConnection(url, cluster.superuser(), cluster.password());
        statement = connection.createStatement();
        statement.execute("DROP TABLE IF EXISTS bench_insert");
        // unlogged: the benchmark measures the client, not the WAL flush of each autocommit insert
        statement.execute("CREATE UNLOGGED TABLE bench_insert (id int, payload text)");
        insert = connection.prepareStatement("INSERT INTO bench_insert VALUES (?, ?)");
        fetchedRow = statement.executeQuery("SELECT 42");
        fetchedRow.next();
        statement = connection.createStatement();
        scrollable = connection.createStatement(ResultSet.TYPE_SCROLL_INSENSITIVE, ResultSet.CONCUR_READ_ONLY)
                .executeQuery("SELECT 42");
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
    public int selectOne() throws SQLException {
        try (ResultSet rs = statement.executeQuery("SELECT 1")) {
            rs.next();
            return rs.getInt(1);
        }
    }

    @Benchmark
    public int preparedInsert() throws SQLException {
        insert.setInt(1, n++);
        insert.setString(2, "payload");
        return insert.executeUpdate();
    }

    @Benchmark
    public int resultSetGetInt() throws SQLException {
        return fetchedRow.getInt(1);
    }

    /**
     * ResultSet.next on a fetched row, in memory: one of the calls hostMonitoring marks busy and idle, so
     * the difference between wrapper+failover and wrapper+failover+hostMonitoring is its cost per call.
     */
    @Benchmark
    public boolean resultSetNext() throws SQLException {
        scrollable.beforeFirst();
        return scrollable.next();
    }

    @Benchmark
    public boolean connectionGetAutoCommit() throws SQLException {
        return connection.getAutoCommit();
    }
}
