package dev.awsjca.jdbc;

import java.sql.Connection;
import java.sql.DatabaseMetaData;
import java.sql.SQLException;

/** DatabaseMetaData of a logical connection; {@code getConnection()} is the application's Connection. */
public final class DatabaseMetaDataWrapper extends DatabaseMetaDataMethods {

    private final DatabaseMetaData delegate;

    DatabaseMetaDataWrapper(ConnectionWrapper owner, DatabaseMetaData delegate) {
        super(owner, owner.chains);
        this.delegate = delegate;
    }

    @Override
    protected DatabaseMetaData delegate() {
        return delegate;
    }

    @Override
    public Connection getConnection() throws SQLException {
        return owner;
    }
}
