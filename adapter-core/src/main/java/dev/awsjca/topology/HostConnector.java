package dev.awsjca.topology;

import java.sql.Connection;
import java.sql.SQLException;

/** Opens the cluster monitor's own connections (short timeouts, no application session on them). */
@FunctionalInterface
public interface HostConnector {
    Connection connect(HostSpec host) throws SQLException;
}
