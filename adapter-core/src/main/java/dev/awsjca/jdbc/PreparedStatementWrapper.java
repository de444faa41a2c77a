package dev.awsjca.jdbc;

import java.sql.PreparedStatement;

/** A PreparedStatement of a logical connection; everything it adds to Statement is generated delegation. */
public class PreparedStatementWrapper<D extends PreparedStatement> extends PreparedStatementMethods<D> {

    PreparedStatementWrapper(ConnectionWrapper owner, D delegate) {
        super(owner, delegate);
    }
}
