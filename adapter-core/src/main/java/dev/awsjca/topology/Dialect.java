package dev.awsjca.topology;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;

/** How a kind of PostgreSQL deployment tells its topology. */
public interface Dialect {

    /** The {@code dialect} property's value for it. */
    String code();

    /** True when the node behind {@code connection} is of this kind (used when {@code dialect} is not given). */
    boolean matches(Connection connection) throws SQLException;

    /**
     * The cluster's hosts with their roles as this node sees them. Empty when this node cannot tell (a
     * replica cut off from its writer during a failover).
     */
    List<HostSpec> topology(Connection connection, TopologyEndpoints endpoints) throws SQLException;

    /** True when the database itself discovers the cluster's hosts; false when they come from the URL. */
    boolean discoversHosts();

    /**
     * The instance id of the node behind {@code connection}, as in {@link HostSpec#instanceId()}; null when
     * the dialect has none (the node is then known by its endpoint).
     */
    default String instanceId(Connection connection) throws SQLException {
        return null;
    }

    /** Whether the node behind {@code connection} takes writes now. */
    default boolean isWriter(Connection connection) throws SQLException {
        return !queryBoolean(connection, "SELECT pg_catalog.pg_is_in_recovery()");
    }

    static boolean queryBoolean(Connection connection, String sql) throws SQLException {
        try (Statement s = connection.createStatement(); ResultSet rs = s.executeQuery(sql)) {
            return rs.next() && rs.getBoolean(1);
        }
    }
}
