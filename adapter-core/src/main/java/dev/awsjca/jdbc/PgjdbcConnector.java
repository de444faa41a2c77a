package dev.awsjca.jdbc;

import dev.awsjca.pipeline.AdapterThreads;
import dev.awsjca.pipeline.ConnectRequest;
import dev.awsjca.pipeline.HostConnection;
import dev.awsjca.pipeline.PhysicalConnector;
import dev.awsjca.topology.HostSpec;
import org.postgresql.core.BaseConnection;
import org.postgresql.util.PSQLException;
import org.postgresql.util.PSQLState;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.Properties;
import java.util.stream.Collectors;

/**
 * Opens physical connections with pgjdbc's own Driver object, never through DriverManager, so that no
 * other registered driver (or our own) can take the URL.
 * <p>
 * A physical connection outlives the request that opened it (it stays in the rar's pool after the
 * application is undeployed), so it must keep nothing of the application: pgjdbc opens it inside
 * doPrivileged, with the adapter's class loader as the thread's context class loader. Java 17's TLS
 * socket keeps the access control context of the opening thread, whose protection domains name each
 * class loader on the stack, and threads started meanwhile inherit it and the context class loader: without
 * this, an application's class loader stayed reachable through the connection (issue 13, RedeployIT).
 */
public final class PgjdbcConnector implements PhysicalConnector {

    public static final PgjdbcConnector INSTANCE = new PgjdbcConnector();

    private final org.postgresql.Driver pgjdbc = new org.postgresql.Driver();

    private PgjdbcConnector() {
    }

    @Override
    public HostConnection connect(ConnectRequest request) throws SQLException {
        String url = "jdbc:postgresql://"
                + request.hosts().stream().map(HostSpec::endpoint).collect(Collectors.joining(","))
                + "/" + encode(request.database());
        Connection connection;
        try {
            connection = openedApartFromTheCaller(url, request.properties());
        } catch (SQLException e) {
            throw namingTheEndpoint(e, request);
        }
        if (connection == null) {
            throw new SQLException("pgjdbc did not accept the URL it was given: " + url, "08001");
        }
        try {
            return new HostConnection(connection, hostOf(connection, request));
        } catch (SQLException | RuntimeException e) {
            connection.close();
            throw e;
        }
    }

    /**
     * pgjdbc names the host in some connection failures ("Connection to h:5432 refused.") but not in others
     * ("Connection attempt timed out.", "An error occurred while setting up the SSL connection."): with several
     * hosts, or several pools, nobody could tell which one failed. Those get the endpoint added; the exception's
     * class, SQLState and the original (as the cause) stay. Other failures (a refused login: 28xxx) pass as they are.
     */
    static SQLException namingTheEndpoint(SQLException e, ConnectRequest request) {
        String state = e.getSQLState();
        String message = e.getMessage();
        if (state == null || !state.startsWith("08") || message == null
                || request.hosts().stream().anyMatch(h -> message.contains(h.endpoint()))) {
            return e;
        }
        String named = message + " (connecting to "
                + request.hosts().stream().map(HostSpec::endpoint).collect(Collectors.joining(",")) + ")";
        for (PSQLState known : PSQLState.values()) {
            if (known.getState().equals(state)) {
                return new PSQLException(named, known, e);
            }
        }
        return new SQLException(named, state, e);
    }

    private Connection openedApartFromTheCaller(String url, Properties properties) throws SQLException {
        try {
            return AdapterThreads.callAsAdapter(() -> pgjdbc.connect(url, properties));
        } catch (SQLException | RuntimeException e) {
            throw e;
        } catch (Exception e) { // pgjdbc throws nothing else
            throw new SQLException(e.getMessage(), "08001", e);
        }
    }

    private static HostSpec hostOf(Connection connection, ConnectRequest request) throws SQLException {
        if (request.hosts().size() == 1) {
            return request.hosts().get(0);
        }
        // pgjdbc tried the hosts in order: ask it which one answered
        org.postgresql.util.HostSpec connected = connection.unwrap(BaseConnection.class).getQueryExecutor().getHostSpec();
        for (HostSpec candidate : request.hosts()) {
            if (candidate.host().equals(connected.getHost()) && candidate.port() == connected.getPort()) {
                return candidate;
            }
        }
        return HostSpec.of(connected.getHost(), connected.getPort());
    }

    private static String encode(String database) {
        return java.net.URLEncoder.encode(database, java.nio.charset.StandardCharsets.UTF_8).replace("+", "%20");
    }
}
