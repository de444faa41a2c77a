package dev.awsjca.ra;

import jakarta.resource.ResourceException;
import org.postgresql.xa.PGXAConnection;

import javax.transaction.xa.XAException;
import javax.transaction.xa.XAResource;
import javax.transaction.xa.Xid;
import java.sql.SQLException;

/**
 * The managed connection's XA resource: pgjdbc's XA implementation on the same session as the
 * connection's JDBC work. What pgjdbc does not do is added here: XAER_RMFAIL (or a lost connection) from
 * any call, prepare/commit/rollback/recover included, tells the pool the connection is broken; a recovery
 * connection's recover() asks the current writer; and two resources are the same resource manager only
 * when they are the same object (pgjdbc cannot join a branch across sessions, and resources of two
 * databases must never be merged).
 */
final class AwsXAResource implements XAResource {

    private final AwsManagedConnection mc;
    private volatile int timeoutSeconds;

    AwsXAResource(AwsManagedConnection mc) {
        this.mc = mc;
    }

    private interface XaCall<T> {
        T run(PGXAConnection xa) throws XAException;
    }

    private <T> T call(XaCall<T> call) throws XAException {
        PGXAConnection xa;
        try {
            xa = mc.xaConnection();
        } catch (SQLException e) {
            XAException x = new XAException(XAException.XAER_RMFAIL);
            x.initCause(e);
            mc.xaFailure(x);
            throw x;
        }
        try {
            return call.run(xa);
        } catch (XAException e) {
            mc.xaFailure(e);
            throw e;
        }
    }

    @Override
    public void start(Xid xid, int flags) throws XAException {
        call(xa -> {
            xa.start(xid, flags);
            return null;
        });
        mc.transaction(AwsManagedConnection.Transaction.XA);
    }

    @Override
    public void end(Xid xid, int flags) throws XAException {
        try {
            call(xa -> {
                xa.end(xid, flags);
                return null;
            });
        } finally {
            if (flags != TMSUSPEND) {
                mc.transaction(AwsManagedConnection.Transaction.NONE);
            }
        }
    }

    /**
     * PostgreSQL answers PREPARE TRANSACTION in a failed transaction (a statement of the branch raised an
     * error) by rolling it back, and pgjdbc reports that as a successful prepare: the TM would then commit
     * the other branches and find this one gone (a heuristic outcome). Such a branch is rolled back here
     * and reported as XA_RBROLLBACK, so the TM rolls back every branch.
     */
    @Override
    public int prepare(Xid xid) throws XAException {
        return call(xa -> {
            if (mc.isPhysicalTransactionFailed()) {
                try {
                    xa.rollback(xid);
                } catch (XAException ignored) {
                    // the branch is rolled back by the server anyway once the session ends it
                }
                XAException x = new XAException("a statement of this branch failed: the branch is rolled back");
                x.errorCode = XAException.XA_RBROLLBACK;
                throw x;
            }
            return xa.prepare(xid);
        });
    }

    @Override
    public void commit(Xid xid, boolean onePhase) throws XAException {
        call(xa -> {
            xa.commit(xid, onePhase);
            return null;
        });
    }

    @Override
    public void rollback(Xid xid) throws XAException {
        call(xa -> {
            xa.rollback(xid);
            return null;
        });
    }

    @Override
    public void forget(Xid xid) throws XAException {
        call(xa -> {
            xa.forget(xid);
            return null;
        });
    }

    @Override
    public Xid[] recover(int flag) throws XAException {
        try {
            mc.moveToWriterForRecovery();
        } catch (ResourceException e) {
            XAException x = new XAException(XAException.XAER_RMFAIL);
            x.initCause(e);
            mc.xaFailure(x);
            throw x;
        }
        return call(xa -> xa.recover(flag));
    }

    @Override
    public boolean isSameRM(XAResource other) {
        return other == this;
    }

    /** PostgreSQL has no branch timeout of its own; the value is kept for the TM but not enforced here. */
    @Override
    public int getTransactionTimeout() {
        return timeoutSeconds;
    }

    @Override
    public boolean setTransactionTimeout(int seconds) {
        timeoutSeconds = seconds;
        return false;
    }

    @Override
    public String toString() {
        return "AwsXAResource[" + mc.describe() + "]";
    }
}
