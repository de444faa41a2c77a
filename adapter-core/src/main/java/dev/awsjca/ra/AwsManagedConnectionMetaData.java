package dev.awsjca.ra;

import jakarta.resource.spi.ManagedConnectionMetaData;

import java.sql.Connection;
import java.sql.DatabaseMetaData;
import java.sql.SQLException;

/** What the container shows about a managed connection: the database product and the user. */
record AwsManagedConnectionMetaData(String eisProductName, String eisProductVersion, String userName)
        implements ManagedConnectionMetaData {

    static AwsManagedConnectionMetaData of(Connection connection, String user) throws SQLException {
        DatabaseMetaData md = connection.getMetaData();
        return new AwsManagedConnectionMetaData(md.getDatabaseProductName(), md.getDatabaseProductVersion(), user);
    }

    @Override
    public String getEISProductName() {
        return eisProductName;
    }

    @Override
    public String getEISProductVersion() {
        return eisProductVersion;
    }

    /** No limit of the adapter's own; the server's max_connections applies. */
    @Override
    public int getMaxConnections() {
        return 0;
    }

    @Override
    public String getUserName() {
        return userName;
    }
}
