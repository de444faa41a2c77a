package dev.awsjca.jdbc;

import dev.awsjca.config.WrapperConfig;
import dev.awsjca.pipeline.ConnectionPipeline;
import dev.awsjca.pipeline.PhysicalConnector;
import dev.awsjca.pipeline.PluginRegistry;
import dev.awsjca.topology.ClusterRegistry;

import java.sql.SQLException;

/** Opens the adapter's real logical connection over a fake driver, for unit tests of plugin logic. */
public final class FakeDriverConnections {

    private FakeDriverConnections() {
    }

    public static ConnectionWrapper open(WrapperConfig config, PhysicalConnector driver, ClusterRegistry clusters)
            throws SQLException {
        return new ConnectionWrapper(ConnectionPipeline.open(config, driver, PluginRegistry.installed(), clusters));
    }
}
