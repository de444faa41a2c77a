package dev.awsjca.pipeline;

import java.sql.SQLException;

/** Opens physical connections with the target driver (pgjdbc): the end of the connect chain. */
public interface PhysicalConnector {

    /** Opens a connection to the first of the request's hosts that answers, and says which one it was. */
    HostConnection connect(ConnectRequest request) throws SQLException;
}
