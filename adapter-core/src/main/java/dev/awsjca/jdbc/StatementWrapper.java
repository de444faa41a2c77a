package dev.awsjca.jdbc;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;

/** A Statement of a logical connection. {@code getConnection()} is always the application's Connection. */
public class StatementWrapper<D extends Statement> extends StatementMethods<D> {

    private final D delegate;
    // the wrapper of the last result set, so getResultSet() returns the object executeQuery() returned
    private ResultSet lastRaw;
    private ResultSetWrapper lastWrapper;

    StatementWrapper(ConnectionWrapper owner, D delegate) {
        super(owner, owner.chains);
        this.delegate = delegate;
    }

    @Override
    protected final D delegate() {
        return delegate;
    }

    @Override
    public Connection getConnection() throws SQLException {
        delegate.getConnection(); // pgjdbc's check: throws once this statement is closed
        return owner;
    }

    /** Result sets of this statement answer {@code getStatement()} with this wrapper. */
    @Override
    final synchronized ResultSet wrapResultSet(ResultSet raw) {
        if (raw == null) {
            return null;
        }
        if (raw != lastRaw) {
            lastRaw = raw;
            lastWrapper = new ResultSetWrapper(owner, raw, this);
        }
        return lastWrapper;
    }
}
