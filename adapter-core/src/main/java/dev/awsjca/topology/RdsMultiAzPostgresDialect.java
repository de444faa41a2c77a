package dev.awsjca.topology;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;

/**
 * RDS Multi-AZ DB clusters for PostgreSQL: {@code rds_tools.show_topology()} lists every instance with its
 * endpoint; a reader names its writer through {@code multi_az_db_cluster_source_dbi_resource_id()}, the
 * writer itself returns no row there (and neither does a reader that lost its writer).
 */
public final class RdsMultiAzPostgresDialect implements Dialect {

    private static final String TOPOLOGY = "SELECT id, endpoint, port FROM rds_tools.show_topology('aws-advanced-jca')";
    private static final String WRITER_ID = "SELECT multi_az_db_cluster_source_dbi_resource_id"
            + " FROM rds_tools.multi_az_db_cluster_source_dbi_resource_id()";
    private static final String OWN_ID = "SELECT dbi_resource_id FROM rds_tools.dbi_resource_id()";

    @Override
    public String code() {
        return "rds-multi-az-postgresql";
    }

    @Override
    public boolean matches(Connection connection) throws SQLException {
        return Dialect.queryBoolean(connection,
                "SELECT pg_catalog.to_regproc('rds_tools.multi_az_db_cluster_source_dbi_resource_id') IS NOT NULL");
    }

    /**
     * The node's resource id, which {@code show_topology} lists as {@code id}. Not the first label of its
     * endpoint: endpoints need not be names (an IP address's first label is the same for every node), and
     * the resource id is what the writer is named by anyway.
     */
    @Override
    public String instanceId(Connection connection) throws SQLException {
        return firstString(connection, OWN_ID);
    }

    @Override
    public boolean discoversHosts() {
        return true;
    }

    @Override
    public List<HostSpec> topology(Connection connection, TopologyEndpoints endpoints) throws SQLException {
        String writerId = firstString(connection, WRITER_ID);
        if (writerId == null) {
            if (!isWriter(connection)) {
                // a reader that names no writer is cut off from it (a failover under way): it cannot tell
                return List.of();
            }
            writerId = firstString(connection, OWN_ID); // no row on the writer itself
        }
        List<HostSpec> hosts = new ArrayList<>();
        try (Statement s = connection.createStatement(); ResultSet rs = s.executeQuery(TOPOLOGY)) {
            while (rs.next()) {
                String id = rs.getString(1);
                String endpoint = rs.getString(2);
                hosts.add(new HostSpec(endpoint, rs.getInt(3), id.equals(writerId) ? HostRole.WRITER : HostRole.READER, id));
            }
        }
        return hosts;
    }

    private static String firstString(Connection connection, String sql) throws SQLException {
        try (Statement s = connection.createStatement(); ResultSet rs = s.executeQuery(sql)) {
            return rs.next() ? rs.getString(1) : null;
        }
    }
}
