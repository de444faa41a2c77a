package dev.awsjca.ra;

import dev.awsjca.jdbc.ConnectionWrapper;
import dev.awsjca.jdbc.SqlFailures;
import jakarta.resource.ResourceException;

import javax.transaction.xa.XAException;
import javax.transaction.xa.Xid;
import java.lang.System.Logger.Level;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;

import static dev.awsjca.ra.AwsXAResource.xa;

/**
 * COMMIT PREPARED or ROLLBACK PREPARED of a prepared branch, on the connection's own session when it is free.
 * When the node is lost meanwhile, the prepared transaction is on the new writer (an acknowledged prepare is
 * replicated before it is acknowledged: Aurora's storage, RDS Multi-AZ's synchronous standby, the testkit's
 * synchronous replication): the command is repeated there on a new connection, which the pipeline opens on the
 * writer, so the TM's second phase finishes now instead of at its periodic recovery.
 * <p>
 * A branch the writer no longer has prepared was finished already, most often by this very command on the lost
 * node, whose reply the failure swallowed. For a branch this connection prepared, the transaction id PostgreSQL
 * gave it says how it was finished: the new writer replayed the prepare, so it knows that id, and the id was
 * never handed to another transaction. The TM is then told the outcome instead of "unknown branch", which
 * Narayana would take for a heuristic hazard (a HeuristicMixedException for the application, and a heuristic
 * record in its log that recovery reports forever).
 */
final class SecondPhase {

    private static final System.Logger LOG = System.getLogger(SecondPhase.class.getName());

    private final AwsManagedConnection mc;
    private String preparedGid;  // the last branch this connection prepared, and its transaction id
    private long preparedTxid;

    SecondPhase(AwsManagedConnection mc) {
        this.mc = mc;
    }

    /** This connection prepared the branch, whose transaction PostgreSQL numbered {@code txid}. */
    void prepared(Xid xid, long txid) {
        preparedGid = Gid.of(xid);
        preparedTxid = txid;
    }

    void commit(Xid xid, boolean sessionFree) throws XAException {
        finish(true, xid, sessionFree);
    }

    void rollback(Xid xid, boolean sessionFree) throws XAException {
        finish(false, xid, sessionFree);
    }

    private void finish(boolean commit, Xid xid, boolean sessionFree) throws XAException {
        String command = commit ? "COMMIT PREPARED" : "ROLLBACK PREPARED";
        String sql = command + " '" + Gid.of(xid) + "'";
        ConnectionWrapper own = mc.logicalConnection();
        SQLException lostWith = null;
        if (own != null && sessionFree && !mc.isBroken() && isIdleSession(own)) {
            try {
                run(own, sql);
                return;
            } catch (SQLException e) {
                if (!SqlFailures.isConnectionFailure(e)) {
                    finishedAlready(commit, command, xid, e, own);
                    return;
                }
                mc.sqlFailure(e);
                lostWith = e;
            }
        }
        ConnectionWrapper fresh;
        try {
            fresh = mc.factory().open(mc.credentials());
        } catch (ResourceException e) {
            XAException x = xa(notNow(commit), command + " of branch " + Gid.of(xid)
                    + " could not reach the database: " + e.getMessage(), e);
            if (lostWith != null) {
                x.addSuppressed(lostWith);
            }
            throw x;
        }
        try {
            run(fresh, sql);
            if (lostWith != null) {
                LOG.log(Level.INFO, "{0} of branch {1} finished on {2} after the node was lost", command, Gid.of(xid),
                        fresh.pipeline().currentHost());
            }
        } catch (SQLException e) {
            if (SqlFailures.isConnectionFailure(e)) {
                throw xa(notNow(commit), command + " of branch " + Gid.of(xid) + " lost its connection: " + e.getMessage(), e);
            }
            finishedAlready(commit, command, xid, e, fresh);
        } finally {
            closeQuietly(fresh);
        }
    }

    /**
     * The command failed without losing the connection. 42704 (no prepared transaction with that gid) means the
     * branch is finished, or never was: returns when it was finished the way the TM asks, else throws.
     */
    private void finishedAlready(boolean commit, String command, Xid xid, SQLException e, ConnectionWrapper c)
            throws XAException {
        if (!"42704".equals(e.getSQLState())) {
            throw xa(XAException.XAER_RMERR, command + " of branch " + Gid.of(xid) + " failed: " + e.getMessage(), e);
        }
        String status = Gid.of(xid).equals(preparedGid) ? transactionStatus(c) : null;
        if ("committed".equals(status) || "aborted".equals(status)) {
            boolean committed = status.equals("committed");
            if (committed == commit) {
                LOG.log(Level.INFO, "{0} of branch {1}: it was {2} already (its transaction {3} is {2} on {4})", command,
                        Gid.of(xid), status, Long.toString(preparedTxid), c.pipeline().currentHost());
                return;
            }
            throw xa(committed ? XAException.XA_HEURCOM : XAException.XA_HEURRB, "branch " + Gid.of(xid) + " was "
                    + status + " already (its transaction " + preparedTxid + " is " + status + "), not "
                    + (commit ? "committed" : "rolled back") + " by this " + command, e);
        }
        throw xa(XAException.XAER_NOTA, "branch " + Gid.of(xid) + " is not prepared on the writer (finished already?)", e);
    }

    /** committed, aborted, in progress, or null when the writer cannot say (an id too old, or an error). */
    private String transactionStatus(ConnectionWrapper c) {
        try (PreparedStatement ps = c.prepareStatement("SELECT pg_catalog.txid_status(?)")) {
            ps.setLong(1, preparedTxid);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? rs.getString(1) : null;
            }
        } catch (SQLException e) {
            LOG.log(Level.DEBUG, "txid_status of a prepared branch's transaction failed: {0}", e.getMessage());
            return null;
        }
    }

    /**
     * What the TM is told when a prepared branch cannot be reached now. For a commit, XA_RETRY: the branch
     * stays prepared and the commit may be issued again later, which Narayana (WildFly) and Payara's JTS both
     * do; Payara's JTS takes XAER_RMFAIL for an unexpected error and hands the application a SystemException
     * instead of retrying. A rollback cannot answer XA_RETRY: XAER_RMFAIL, and recovery finishes it.
     */
    private static int notNow(boolean commit) {
        return commit ? XAException.XA_RETRY : XAException.XAER_RMFAIL;
    }

    private static boolean isIdleSession(ConnectionWrapper c) {
        try {
            return c.getAutoCommit();
        } catch (SQLException e) {
            return false;
        }
    }

    private static void run(ConnectionWrapper c, String sql) throws SQLException {
        try (Statement s = c.createStatement()) {
            s.execute(sql);
        }
    }

    private static void closeQuietly(ConnectionWrapper c) {
        try {
            c.close();
        } catch (SQLException | RuntimeException e) {
            LOG.log(Level.DEBUG, "closing a connection failed: {0}", e.getMessage());
        }
    }
}
