package dev.awsjca.jdbc;

import dev.awsjca.pipeline.ConnectRequest;
import dev.awsjca.pipeline.HostConnection;
import dev.awsjca.pipeline.PhysicalConnector;
import dev.awsjca.topology.HostSpec;
import org.postgresql.core.BaseConnection;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.stream.Collectors;

/**
 * Opens physical connections with pgjdbc's own Driver object, never through DriverManager, so that no
 * other registered driver (or our own) can take the URL.
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
        Connection connection = pgjdbc.connect(url, request.properties());
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
