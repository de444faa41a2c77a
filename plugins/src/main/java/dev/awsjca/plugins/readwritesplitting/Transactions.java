package dev.awsjca.plugins.readwritesplitting;

import org.postgresql.core.BaseConnection;
import org.postgresql.core.TransactionState;

import java.sql.Connection;
import java.sql.SQLException;

/** Whether a transaction is open on a physical connection, as pgjdbc knows it (no round trip). */
final class Transactions {

    private Transactions() {
    }

    /** True when no transaction is open: autocommit, or autocommit off before the first statement. */
    static boolean idle(Connection physical) throws SQLException {
        if (physical.isWrapperFor(BaseConnection.class)) {
            return physical.unwrap(BaseConnection.class).getTransactionState() == TransactionState.IDLE;
        }
        return physical.getAutoCommit();
    }
}
