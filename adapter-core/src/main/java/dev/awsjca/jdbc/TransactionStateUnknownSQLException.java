package dev.awsjca.jdbc;

import java.sql.SQLRecoverableException;

/**
 * SQLState 08007: the connection failed over while a transaction was open, or while a write was in
 * flight whose outcome could not be established. Restart the transaction (check first whether an
 * autocommit write already took effect); the Connection itself works, on the new host.
 */
public class TransactionStateUnknownSQLException extends SQLRecoverableException {

    private static final long serialVersionUID = 1L;

    public TransactionStateUnknownSQLException(String message, Throwable cause) {
        super(message, "08007", cause);
    }
}
