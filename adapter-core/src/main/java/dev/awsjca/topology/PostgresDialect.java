package dev.awsjca.topology;

import java.sql.Connection;
import java.util.List;

/**
 * Self-managed streaming replication: the hosts are the URL's; which one is the writer is asked of each
 * ({@code pg_is_in_recovery()}) by the cluster monitor.
 */
public final class PostgresDialect implements Dialect {

    @Override
    public String code() {
        return "postgresql";
    }

    @Override
    public boolean matches(Connection connection) {
        return true;
    }

    @Override
    public boolean discoversHosts() {
        return false;
    }

    @Override
    public List<HostSpec> topology(Connection connection, TopologyEndpoints endpoints) {
        return endpoints.urlHosts();
    }
}
