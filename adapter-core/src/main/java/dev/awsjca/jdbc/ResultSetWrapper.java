package dev.awsjca.jdbc;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;

/** A ResultSet of a logical connection; {@code getStatement()} returns the statement wrapper that made it. */
public final class ResultSetWrapper extends ResultSetMethods {

    private final ResultSet delegate;
    private Statement statement;

    ResultSetWrapper(ConnectionWrapper owner, ResultSet delegate, StatementWrapper<?> statement) {
        super(owner, owner.chains);
        this.delegate = delegate;
        this.statement = statement;
    }

    @Override
    protected ResultSet delegate() {
        return delegate;
    }

    @Override
    public synchronized Statement getStatement() throws SQLException {
        Statement raw = delegate.getStatement(); // also pgjdbc's check that this result set is open
        if (statement == null && raw != null) {
            // made by metadata: pgjdbc's own statement, wrapped once so identity holds from here on
            statement = new StatementWrapper<>(owner, raw);
        }
        return raw == null ? null : statement;
    }
}
