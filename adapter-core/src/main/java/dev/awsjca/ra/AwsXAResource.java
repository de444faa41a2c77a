package dev.awsjca.ra;

import dev.awsjca.jdbc.ConnectionWrapper;
import dev.awsjca.jdbc.FailoverSuccessSQLException;
import dev.awsjca.jdbc.SqlFailures;
import dev.awsjca.jdbc.TransactionStateUnknownSQLException;
import jakarta.resource.ResourceException;

import javax.transaction.xa.XAException;
import javax.transaction.xa.XAResource;
import javax.transaction.xa.Xid;
import java.lang.System.Logger.Level;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;

/**
 * The managed connection's XA resource. Every branch command runs through the logical connection, so
 * the pipeline's plugins see the branch as the transaction it is: the failover plugin answers a lost
 * node with 08007 instead of re-running a statement elsewhere. On top of that, what only the resource
 * manager can do:
 * <ul>
 *   <li>a branch whose node was lost is rolled back with it: end, prepare and commit answer
 *       XA_RBCOMMFAIL, every later statement of the branch gets 08007, and the pool is told to drop the
 *       connection;</li>
 *   <li>a prepared branch survives a failover (the prepare is replicated before it is acknowledged), so
 *       the second phase of a branch whose node died is finished on the new writer at once, instead of
 *       waiting for the TM's periodic recovery;</li>
 *   <li>a recovery connection's recover() asks the current writer.</li>
 * </ul>
 * Two resources are the same resource manager only when they are the same object: a PostgreSQL branch
 * lives in one session, and resources of two databases must never be merged.
 */
final class AwsXAResource implements XAResource {

    private static final System.Logger LOG = System.getLogger(AwsXAResource.class.getName());

    /** Where this connection's own branch is. */
    private enum State { IDLE, ACTIVE, SUSPENDED, ENDED }

    private final AwsManagedConnection mc;
    private final SecondPhase secondPhase;
    // written under this object's lock; state and branchSession are read without it on every handle call
    private volatile State state = State.IDLE;
    private Xid branch;                         // the branch on this session, unless IDLE
    private volatile Connection branchSession;  // the physical connection it started on
    private boolean rollbackOnly;      // ended with TMFAIL
    private Xid rolledBack;            // the last branch answered with XA_RB*: the TM's rollback of it is a no-op
    private volatile int timeoutSeconds;

    AwsXAResource(AwsManagedConnection mc) {
        this.mc = mc;
        this.secondPhase = new SecondPhase(mc);
    }

    /**
     * Whether this connection's branch is gone with its node: the pipeline moved the connection while the
     * branch was open (the failover plugin already told the statement in flight with 08007). Asked before
     * every call of a handle in a branch, so it takes no lock.
     */
    boolean isBranchLost() {
        return state != State.IDLE && mc.logicalConnection().physicalConnection() != branchSession;
    }

    // ---- association

    @Override
    public synchronized void start(Xid xid, int flags) throws XAException {
        requireXid(xid);
        switch (flags) {
            case TMNOFLAGS -> {
                if (state != State.IDLE) {
                    throw xa(XAException.XAER_PROTO, "this connection is still in branch " + Gid.of(branch), null);
                }
                ConnectionWrapper logical = mc.logicalConnection();
                try {
                    logical.setAutoCommit(false); // through the pipeline: its plugins now know a transaction is open
                } catch (SQLException e) {
                    throw failure("starting branch " + Gid.of(xid), e);
                }
                branch = xid;
                branchSession = logical.physicalConnection();
                logical.pipeline().globalTransactionBranch(true);
                rollbackOnly = false;
                rolledBack = null;
                state = State.ACTIVE;
            }
            case TMJOIN, TMRESUME -> {
                State from = flags == TMJOIN ? State.ENDED : State.SUSPENDED;
                if (!isBranch(xid)) {
                    throw xa(XAException.XAER_NOTA, "branch " + Gid.of(xid) + " is not on this connection", null);
                }
                if (isBranchLost()) {
                    throw lost(xid);
                }
                if (state != from && !(flags == TMJOIN && state == State.ACTIVE)) {
                    throw xa(XAException.XAER_PROTO, "cannot " + (flags == TMJOIN ? "join" : "resume") + " branch "
                            + Gid.of(xid) + " in state " + state, null);
                }
                state = State.ACTIVE;
            }
            default -> throw xa(XAException.XAER_INVAL, "start flags " + flags, null);
        }
        mc.transaction(AwsManagedConnection.Transaction.XA);
    }

    @Override
    public synchronized void end(Xid xid, int flags) throws XAException {
        requireXid(xid);
        if (flags != TMSUCCESS && flags != TMFAIL && flags != TMSUSPEND) {
            throw xa(XAException.XAER_INVAL, "end flags " + flags, null);
        }
        if (!isBranch(xid)) {
            throw xa(XAException.XAER_NOTA, "branch " + Gid.of(xid) + " is not on this connection", null);
        }
        if (flags != TMSUSPEND) {
            mc.transaction(AwsManagedConnection.Transaction.NONE);
        }
        if (isBranchLost()) {
            throw lost(xid);
        }
        if (state != State.ACTIVE && !(state == State.SUSPENDED && flags != TMSUSPEND)) {
            throw xa(XAException.XAER_PROTO, "cannot end branch " + Gid.of(xid) + " in state " + state, null);
        }
        if (flags == TMSUSPEND) {
            state = State.SUSPENDED;
            return;
        }
        rollbackOnly = flags == TMFAIL;
        state = State.ENDED;
    }

    // ---- completion of this connection's branch

    /**
     * PREPARE TRANSACTION on the branch's session. PostgreSQL answers it in an aborted transaction (a
     * statement of the branch failed) by rolling back, which pgjdbc alone would report as prepared: such a
     * branch is answered XA_RBROLLBACK here, so the TM rolls back every branch. A branch that wrote nothing
     * is ended at once and answered XA_RDONLY: no prepared transaction, no second phase.
     */
    @Override
    public synchronized int prepare(Xid xid) throws XAException {
        requireEnded(xid);
        if (rollbackOnly || mc.isPhysicalTransactionFailed()) {
            rollBackSession();
            throw rolledBack(xid, XAException.XA_RBROLLBACK, "a statement of branch " + Gid.of(xid)
                    + " failed (or it ended with TMFAIL): it is rolled back", null);
        }
        try (Statement s = mc.logicalConnection().createStatement()) {
            Long txid = assignedTransactionId(s);
            if (txid == null) {
                // nothing to make durable: end it here, and the TM skips this branch's second phase
                mc.logicalConnection().commit();
                toIdle();
                restoreAutoCommit();
                return XA_RDONLY;
            }
            s.execute("PREPARE TRANSACTION '" + Gid.of(xid) + "'");
            secondPhase.prepared(xid, txid);
        } catch (SQLException e) {
            if (!SqlFailures.isConnectionFailure(e)) {
                // PostgreSQL rolls back a transaction whose PREPARE failed
                rollBackSession();
                throw rolledBack(xid, XAException.XA_RBROLLBACK, "PREPARE TRANSACTION of branch " + Gid.of(xid)
                        + " failed: " + e.getMessage(), e);
            }
            return preparedOrNotWhenTheNodeWasLost(xid, e);
        }
        toIdle();
        restoreAutoCommit(); // PREPARE TRANSACTION ended the session's transaction
        return XA_OK;
    }

    /**
     * The branch's transaction id, or null when it has none: PostgreSQL assigns one at the first write (or row
     * lock), so a branch without one wrote nothing. Kept after the prepare: it tells the second phase how a
     * branch was finished when a failure swallowed the answer.
     */
    private static Long assignedTransactionId(Statement s) throws SQLException {
        try (ResultSet rs = s.executeQuery("SELECT pg_catalog.txid_current_if_assigned()")) {
            if (!rs.next()) {
                return null;
            }
            long txid = rs.getLong(1);
            return rs.wasNull() ? null : txid;
        }
    }

    /**
     * The node was lost while PREPARE TRANSACTION ran: it may have been prepared (and survived on the new
     * writer) or not. Rolling it back wherever it is makes the outcome certain.
     */
    private int preparedOrNotWhenTheNodeWasLost(Xid xid, SQLException cause) throws XAException {
        mc.sqlFailure(cause);
        rollBackSession(); // on the new writer when the failover plugin moved the connection: nothing to lose there
        try {
            secondPhase.rollback(xid, state == State.IDLE);
        } catch (XAException e) {
            if (e.errorCode != XAException.XAER_NOTA) {
                e.addSuppressed(cause);
                throw e; // no writer: the TM's rollback (or its recovery) finishes it later
            }
        }
        throw rolledBack(xid, XAException.XA_RBCOMMFAIL, "the connection to " + mc.describe() + " was lost while"
                + " branch " + Gid.of(xid) + " was being prepared: it is rolled back", cause);
    }

    @Override
    public synchronized void commit(Xid xid, boolean onePhase) throws XAException {
        requireXid(xid);
        if (!onePhase) {
            if (isBranch(xid)) {
                throw xa(XAException.XAER_PROTO, "branch " + Gid.of(xid) + " is not prepared", null);
            }
            secondPhase.commit(xid, state == State.IDLE);
            return;
        }
        requireEnded(xid);
        if (rollbackOnly || mc.isPhysicalTransactionFailed()) {
            rollBackSession();
            throw rolledBack(xid, XAException.XA_RBROLLBACK, "a statement of branch " + Gid.of(xid)
                    + " failed (or it ended with TMFAIL): it is rolled back, not committed", null);
        }
        try {
            // through the pipeline: a commit the failover plugin knows was never sent answers 40000
            mc.logicalConnection().commit();
        } catch (SQLException e) {
            rollBackSession(); // whatever the commit left behind: never let a later setAutoCommit(true) commit it
            String sqlState = e.getSQLState() == null ? "" : e.getSQLState();
            if (e instanceof TransactionStateUnknownSQLException || (SqlFailures.isConnectionFailure(e)
                    && !(e instanceof FailoverSuccessSQLException))) {
                mc.sqlFailure(e);
                throw xa(XAException.XA_HEURHAZ, "the connection was lost during the one-phase commit of branch "
                        + Gid.of(xid) + "; whether it committed is unknown", e);
            }
            int code = sqlState.startsWith("23") ? XAException.XA_RBINTEGRITY
                    : sqlState.equals("40P01") ? XAException.XA_RBDEADLOCK
                    : sqlState.startsWith("08") ? XAException.XA_RBCOMMFAIL : XAException.XA_RBROLLBACK;
            throw rolledBack(xid, code, "branch " + Gid.of(xid) + " did not commit: " + e.getMessage(), e);
        }
        toIdle();
        restoreAutoCommit();
    }

    @Override
    public synchronized void rollback(Xid xid) throws XAException {
        requireXid(xid);
        if (isBranch(xid)) {
            boolean lost = isBranchLost();
            toIdle();
            if (lost) {
                mc.connectionError(new SQLException("branch " + Gid.of(xid) + " was lost in a failover", "08007"));
                return; // rolled back by its node's end
            }
            try {
                mc.logicalConnection().rollback(); // a session that died took the branch with it: rolled back either way
            } catch (SQLException e) {
                mc.sqlFailure(e);
                if (!SqlFailures.isConnectionFailure(e)) {
                    throw xa(XAException.XAER_RMERR, "rolling back branch " + Gid.of(xid) + " failed: " + e.getMessage(), e);
                }
            }
            restoreAutoCommit();
            return;
        }
        if (Gid.same(xid, rolledBack)) {
            rolledBack = null;
            return; // answered XA_RB* already: the branch is gone
        }
        secondPhase.rollback(xid, state == State.IDLE);
    }

    @Override
    public void forget(Xid xid) throws XAException {
        throw xa(XAException.XAER_NOTA, "PostgreSQL makes no heuristic decisions: nothing to forget", null);
    }

    @Override
    public Xid[] recover(int flag) throws XAException {
        if (flag != TMSTARTRSCAN && flag != TMENDRSCAN && flag != TMNOFLAGS && flag != (TMSTARTRSCAN | TMENDRSCAN)) {
            throw xa(XAException.XAER_INVAL, "recover flags " + flag, null);
        }
        if ((flag & TMSTARTRSCAN) == 0) {
            return new Xid[0]; // the whole list went with the scan's start
        }
        if (mc.factory().adapterNotRunning()) {
            // the container's recovery can run between registering a definition and starting the adapter (or
            // after stopping it): nothing can be asked now, and the next scan asks again
            LOG.log(Level.DEBUG, "recover() while the adapter is not running: no branches reported this scan");
            return new Xid[0];
        }
        try {
            mc.moveToWriterForRecovery();
        } catch (ResourceException e) {
            throw failure("recover", e);
        }
        List<Xid> found = new ArrayList<>();
        try (Statement s = mc.logicalConnection().createStatement();
             ResultSet rs = s.executeQuery("SELECT gid FROM pg_catalog.pg_prepared_xacts WHERE database = current_database()")) {
            while (rs.next()) {
                Xid xid = Gid.parse(rs.getString(1));
                if (xid != null) {
                    found.add(xid);
                }
            }
        } catch (SQLException e) {
            throw failure("recover", e);
        }
        return found.toArray(new Xid[0]);
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

    // ---- helpers

    private boolean isBranch(Xid xid) {
        return state != State.IDLE && Gid.same(xid, branch);
    }

    private void requireEnded(Xid xid) throws XAException {
        requireXid(xid);
        if (!isBranch(xid)) {
            if (Gid.same(xid, rolledBack)) {
                throw xa(XAException.XA_RBROLLBACK, "branch " + Gid.of(xid) + " is rolled back already", null);
            }
            throw xa(XAException.XAER_NOTA, "branch " + Gid.of(xid) + " is not on this connection", null);
        }
        if (isBranchLost()) {
            throw lost(xid);
        }
        if (state != State.ENDED) {
            throw xa(XAException.XAER_PROTO, "branch " + Gid.of(xid) + " is " + state + ", not ended", null);
        }
    }

    private static void requireXid(Xid xid) throws XAException {
        if (xid == null) {
            throw xa(XAException.XAER_INVAL, "xid is null", null);
        }
    }

    /** The branch went with its node: rolled back. The pool must drop this connection. */
    private XAException lost(Xid xid) {
        XAException x = xa(XAException.XA_RBCOMMFAIL, "the connection failed over to " + mc.describe() + " while branch "
                + Gid.of(xid) + " was open on the old node: the branch is rolled back", null);
        mc.connectionError(x);
        return x;
    }

    private XAException rolledBack(Xid xid, int code, String message, Throwable cause) {
        rolledBack = xid;
        return xa(code, message, cause);
    }

    private void rollBackSession() {
        toIdle();
        try {
            mc.logicalConnection().rollback();
        } catch (SQLException e) {
            mc.sqlFailure(e);
        }
        restoreAutoCommit();
    }

    /** This connection holds no branch any more (its session may still be in the transaction: see callers). */
    private void toIdle() {
        mc.logicalConnection().pipeline().globalTransactionBranch(false);
        state = State.IDLE;
        branch = null;
        branchSession = null;
        rollbackOnly = false;
        mc.transaction(AwsManagedConnection.Transaction.NONE);
    }

    /** Outside a branch the connection is in autocommit, as a JDBC connection outside a transaction is. */
    private void restoreAutoCommit() {
        try {
            mc.logicalConnection().setAutoCommit(true);
        } catch (SQLException e) {
            mc.sqlFailure(e);
        }
    }

    private XAException failure(String what, Exception e) {
        boolean lostConnection = e instanceof ResourceException
                || (e instanceof SQLException sql && SqlFailures.isConnectionFailure(sql));
        XAException x = xa(lostConnection ? XAException.XAER_RMFAIL : XAException.XAER_RMERR,
                what + " failed on " + mc.describe() + ": " + e.getMessage(), e);
        mc.xaFailure(x);
        return x;
    }

    static XAException xa(int code, String message, Throwable cause) {
        XAException x = new XAException(message);
        x.errorCode = code;
        if (cause != null) {
            x.initCause(cause);
        }
        return x;
    }
}
