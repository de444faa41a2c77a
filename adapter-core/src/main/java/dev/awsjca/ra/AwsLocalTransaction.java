package dev.awsjca.ra;

import dev.awsjca.jdbc.ConnectionWrapper;
import jakarta.resource.ResourceException;
import jakarta.resource.spi.LocalTransaction;
import jakarta.resource.spi.LocalTransactionException;

import java.sql.SQLException;

/**
 * The container's local transaction (a pool configured with LocalTransaction): run through the logical
 * connection, so the pipeline's plugins see the commit (the failover plugin resolves a commit whose
 * connection died). The container's own transactions are not reported back to it as events.
 */
final class AwsLocalTransaction implements LocalTransaction {

    private final AwsManagedConnection mc;

    AwsLocalTransaction(AwsManagedConnection mc) {
        this.mc = mc;
    }

    @Override
    public void begin() throws ResourceException {
        if (mc.transaction() != AwsManagedConnection.Transaction.NONE) {
            throw new LocalTransactionException("a " + mc.transaction() + " transaction is already running on this connection");
        }
        try {
            mc.logicalConnection().setAutoCommit(false);
            mc.transaction(AwsManagedConnection.Transaction.CONTAINER_LOCAL);
        } catch (SQLException e) {
            throw failed("begin", e);
        }
    }

    @Override
    public void commit() throws ResourceException {
        end(true);
    }

    @Override
    public void rollback() throws ResourceException {
        end(false);
    }

    private void end(boolean commit) throws ResourceException {
        ConnectionWrapper c = mc.logicalConnection();
        try {
            if (commit) {
                c.commit();
            } else {
                c.rollback();
            }
            c.setAutoCommit(true);
        } catch (SQLException e) {
            throw failed(commit ? "commit" : "rollback", e);
        } finally {
            mc.transaction(AwsManagedConnection.Transaction.NONE);
        }
    }

    private LocalTransactionException failed(String what, SQLException e) {
        mc.sqlFailure(e);
        LocalTransactionException le = new LocalTransactionException("local transaction " + what + " failed: " + e.getMessage(),
                e.getSQLState());
        le.initCause(e);
        return le;
    }
}
