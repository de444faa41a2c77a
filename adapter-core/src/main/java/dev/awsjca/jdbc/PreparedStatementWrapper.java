package dev.awsjca.jdbc;

import dev.awsjca.pipeline.SqlSource;

import java.sql.PreparedStatement;

/** A PreparedStatement of a logical connection; everything it adds to Statement is generated delegation. */
public class PreparedStatementWrapper<D extends PreparedStatement> extends PreparedStatementMethods<D> implements SqlSource {

    private final String sql;

    PreparedStatementWrapper(ConnectionWrapper owner, D delegate, String sql) {
        super(owner, delegate);
        this.sql = sql;
    }

    /** The SQL it was prepared with. */
    @Override
    public String sql() {
        return sql;
    }
}
