package dev.awsjca.jdbc;

import java.sql.SQLRecoverableException;

/**
 * SQLState 08S02: the connection failed over to a new host and the statement provably did not take
 * effect (never sent, or read-only). Re-run it, on a new Statement; the Connection itself works.
 */
public class FailoverSuccessSQLException extends SQLRecoverableException {

    private static final long serialVersionUID = 1L;

    public FailoverSuccessSQLException(String message, Throwable cause) {
        super(message, "08S02", cause);
    }
}
