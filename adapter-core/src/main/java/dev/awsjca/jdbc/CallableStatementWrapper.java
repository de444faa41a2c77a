package dev.awsjca.jdbc;

import java.sql.CallableStatement;

/** A CallableStatement of a logical connection; everything it adds is generated delegation. */
public class CallableStatementWrapper<D extends CallableStatement> extends CallableStatementMethods<D> {

    CallableStatementWrapper(ConnectionWrapper owner, D delegate, String sql) {
        super(owner, delegate, sql);
    }
}
