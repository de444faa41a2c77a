package dev.awsjca.topology;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;

/** Aurora PostgreSQL: every node answers {@code aurora_replica_status()} with the whole cluster. */
public final class AuroraPostgresDialect implements Dialect {

    // Rows of instances gone for more than five minutes are history, not topology.
    private static final String TOPOLOGY = "SELECT server_id, session_id = 'MASTER_SESSION_ID'"
            + " FROM aurora_replica_status()"
            + " WHERE session_id = 'MASTER_SESSION_ID' OR last_update_timestamp IS NULL"
            + " OR last_update_timestamp > pg_catalog.now() - interval '5 minutes'";

    @Override
    public String code() {
        return "aurora-postgresql";
    }

    @Override
    public boolean matches(Connection connection) throws SQLException {
        return Dialect.queryBoolean(connection, "SELECT pg_catalog.to_regproc('aurora_replica_status') IS NOT NULL");
    }

    @Override
    public String instanceId(Connection connection) throws SQLException {
        try (Statement s = connection.createStatement(); ResultSet rs = s.executeQuery("SELECT aurora_db_instance_identifier()")) {
            return rs.next() ? rs.getString(1) : null;
        }
    }

    @Override
    public boolean discoversHosts() {
        return true;
    }

    @Override
    public List<HostSpec> topology(Connection connection, TopologyEndpoints endpoints) throws SQLException {
        List<HostSpec> hosts = new ArrayList<>();
        boolean writerSeen = false;
        try (Statement s = connection.createStatement(); ResultSet rs = s.executeQuery(TOPOLOGY)) {
            while (rs.next()) {
                boolean writer = rs.getBoolean(2);
                writerSeen |= writer;
                hosts.add(endpoints.instance(rs.getString(1), writer ? HostRole.WRITER : HostRole.READER));
            }
        }
        // a replica that lost its writer reports only itself: that is not the cluster's topology
        return writerSeen ? hosts : List.of();
    }
}
