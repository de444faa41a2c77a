package dev.awsjca.pipeline;

import dev.awsjca.config.WrapperConfig;
import dev.awsjca.topology.HostSpec;

import java.sql.Connection;
import java.sql.SQLException;

/** What a plugin may see and do on its logical connection. */
public interface PluginContext {

    WrapperConfig config();

    /** The physical (pgjdbc) connection the logical connection runs on now. */
    Connection currentConnection();

    /** The host of {@link #currentConnection()}. */
    HostSpec currentHost();

    /**
     * Opens a new physical connection to {@code host} through the whole connect chain (so credentials
     * plugins take part). It does not become current until {@link #switchConnection}.
     */
    Connection connect(HostSpec host) throws SQLException;

    /**
     * Makes {@code connection} the one the logical connection runs on; every plugin is told. The caller
     * decides what happens to the previous one. Statements and result sets made before keep their
     * physical objects; new ones use the new connection.
     */
    void switchConnection(Connection connection, HostSpec host);
}
