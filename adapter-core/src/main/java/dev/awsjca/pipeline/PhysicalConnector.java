package dev.awsjca.pipeline;

import dev.awsjca.topology.HostSpec;

import java.sql.Connection;
import java.sql.SQLException;

/** Opens physical connections with the target driver (pgjdbc): the end of the connect chain. */
public interface PhysicalConnector {

    Connection connect(ConnectRequest request) throws SQLException;

    /** Which of the request's hosts a connection it opened went to. */
    HostSpec hostOf(Connection connection, ConnectRequest request) throws SQLException;
}
