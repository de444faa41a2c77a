package dev.awsjca.benchmarks.failover;

import org.postgresql.PGConnection;
import org.postgresql.core.BaseConnection;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.util.Properties;

/** The baseline: plain pgjdbc, multi-host URL with targetServerType=primary, reconnecting on any failure. */
final class PgjdbcClient extends WriteLoop {

    private final String url;
    private final Properties credentials;

    PgjdbcClient(String url, Properties credentials) {
        super("pgjdbc");
        this.url = url;
        this.credentials = credentials;
    }

    @Override
    protected Connection open() throws SQLException {
        return DriverManager.getConnection(url, credentials);
    }

    @Override
    protected String hostOf(Connection c) throws SQLException {
        c.unwrap(PGConnection.class); // a pgjdbc connection, nothing in between
        return c.unwrap(BaseConnection.class).getQueryExecutor().getHostSpec().getHost();
    }

    @Override
    protected boolean keepsConnectionAfter(SQLException e) {
        return false; // pgjdbc does not move a connection: open a new one, it finds the primary
    }
}
