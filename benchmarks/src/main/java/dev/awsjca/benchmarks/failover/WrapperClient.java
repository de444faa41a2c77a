package dev.awsjca.benchmarks.failover;

import dev.awsjca.jdbc.ConnectionWrapper;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.util.Properties;

/** The adapter's driver with plugins=failover: the same Connection keeps working after a failover. */
final class WrapperClient extends WriteLoop {

    private final String url;
    private final Properties credentials;
    private long unknownOutcomes;

    WrapperClient(String url, Properties credentials) {
        super("aws-wrapper");
        this.url = url;
        this.credentials = credentials;
    }

    @Override
    protected Connection open() throws SQLException {
        return DriverManager.getConnection(url, credentials);
    }

    @Override
    protected String hostOf(Connection c) throws SQLException {
        return c.unwrap(ConnectionWrapper.class).pipeline().currentHost().host();
    }

    @Override
    protected boolean keepsConnectionAfter(SQLException e) {
        // 08S02: moved, the write did not happen; 08007: moved, the write may have happened (a real
        // application would check; the benchmark only needs the next write). Both keep the connection.
        if ("08007".equals(e.getSQLState())) {
            unknownOutcomes++;
        }
        return "08S02".equals(e.getSQLState()) || "08007".equals(e.getSQLState());
    }

    long unknownOutcomes() {
        return unknownOutcomes;
    }
}
