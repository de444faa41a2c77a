package dev.awsjca.jdbc;

import java.sql.SQLNonTransientException;

/**
 * A statement, result set or metadata object made on a session the logical connection has left (after a
 * failover): the object cannot be used, but the connection can. Its SQLState is 55000 (object not in
 * prerequisite state, what pgjdbc answers for a closed statement), never class 08, so that no pool
 * destroys a connection that works ({@link SqlFailures#isConnectionFailure} says no, whatever its cause).
 */
public final class StaleObjectSQLException extends SQLNonTransientException {

    private static final long serialVersionUID = 1L;

    public StaleObjectSQLException(String message, Throwable cause) {
        super(message, SqlFailures.OBJECT_NOT_IN_STATE, cause);
    }
}
