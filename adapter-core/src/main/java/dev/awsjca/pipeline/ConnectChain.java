package dev.awsjca.pipeline;

import java.sql.SQLException;

/** The connect chain: every plugin in configured order, then the driver. */
public final class ConnectChain {

    private final ConnectionPlugin plugin;
    private final ConnectChain next;
    private final PhysicalConnector driver;

    ConnectChain(ConnectionPlugin plugin, ConnectChain next, PhysicalConnector driver) {
        this.plugin = plugin;
        this.next = next;
        this.driver = driver;
    }

    /** Opens a physical connection through this link and the ones after it. */
    public HostConnection connect(ConnectRequest request) throws SQLException {
        return plugin == null ? driver.connect(request) : plugin.connect(request, next);
    }
}
