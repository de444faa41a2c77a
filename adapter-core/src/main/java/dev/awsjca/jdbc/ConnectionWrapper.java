package dev.awsjca.jdbc;

import dev.awsjca.config.WrapperConfig;
import dev.awsjca.pipeline.ConnectionPipeline;
import dev.awsjca.pipeline.PluginRegistry;
import dev.awsjca.topology.ClusterRegistry;

import java.sql.Connection;
import java.sql.DatabaseMetaData;
import java.sql.SQLException;
import java.util.concurrent.Executor;

/** The Connection the application holds. It stays the same object when the physical connection changes. */
public final class ConnectionWrapper extends ConnectionMethods {

    private final ConnectionPipeline pipeline;
    private DatabaseMetaDataWrapper metaData;

    ConnectionWrapper(ConnectionPipeline pipeline) {
        super(null, pipeline.chains());
        this.pipeline = pipeline;
    }

    /** Opens a logical connection: its plugins, then its first physical connection through them. */
    public static ConnectionWrapper open(WrapperConfig config) throws SQLException {
        return open(config, ClusterRegistry.shared());
    }

    /** Opens a logical connection whose clusters are watched by {@code clusters} (the resource adapter's own). */
    public static ConnectionWrapper open(WrapperConfig config, ClusterRegistry clusters) throws SQLException {
        return new ConnectionWrapper(ConnectionPipeline.open(config, PgjdbcConnector.INSTANCE, PluginRegistry.installed(), clusters));
    }

    @Override
    protected Connection delegate() {
        return pipeline.currentConnection();
    }

    @Override
    public Connection physicalConnection() {
        return pipeline.currentConnection();
    }

    /** The pipeline this connection runs: its plugins, chains, and current host. */
    public ConnectionPipeline pipeline() {
        return pipeline;
    }

    /** One wrapper per pgjdbc metadata object, so that getMetaData() returns the same object each time. */
    synchronized DatabaseMetaData metaDataFor(DatabaseMetaData raw) {
        if (raw == null) {
            return null;
        }
        if (metaData == null || metaData.delegate() != raw) {
            metaData = new DatabaseMetaDataWrapper(this, raw);
        }
        return metaData;
    }

    @Override
    public void close() throws SQLException {
        try {
            super.close();
        } finally {
            pipeline.release();
        }
    }

    @Override
    public void abort(Executor executor) throws SQLException {
        try {
            super.abort(executor);
        } finally {
            pipeline.release();
        }
    }

    @Override
    public String toString() {
        return "ConnectionWrapper[" + pipeline.currentHost() + ", plugins=" + pipeline.pluginCodes() + "]";
    }
}
