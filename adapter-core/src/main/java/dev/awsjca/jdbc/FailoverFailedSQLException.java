package dev.awsjca.jdbc;

import java.sql.SQLNonTransientConnectionException;

/** SQLState 08001: no new host could be reached within {@code failoverTimeoutMs}; the connection is closed. */
public class FailoverFailedSQLException extends SQLNonTransientConnectionException {

    private static final long serialVersionUID = 1L;

    public FailoverFailedSQLException(String message, Throwable cause) {
        super(message, "08001", cause);
    }
}
