package dev.awsjca.plugins.failover;

import dev.awsjca.jdbc.TransactionStateUnknownSQLException;

import java.lang.System.Logger.Level;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.SQLTransactionRollbackException;
import java.sql.Statement;

/**
 * The open local transaction of a connection, as far as a lost commit needs it: whether it ran a statement,
 * and its transaction id (read just before the commit, null when it wrote nothing). With them, a commit
 * whose reply is lost is answered from the new writer instead of "unknown". Thread-safe.
 */
final class LocalTransaction {

    private static final System.Logger LOG = System.getLogger(LocalTransaction.class.getName());

    /** What was known of the transaction when its connection was lost. */
    record Known(boolean txidKnown, Long txid) {
    }

    private boolean executed;
    private boolean txidKnown;
    private Long txid;

    synchronized void executed() {
        executed = true;
    }

    synchronized void ended() {
        executed = false;
        txidKnown = false;
        txid = null;
    }

    /** Whether its commit should first ask the database for the transaction id: it ran SQL, id not read yet. */
    synchronized boolean txidWanted() {
        return executed && !txidKnown;
    }

    synchronized void txid(Long id) {
        txid = id;
        txidKnown = true;
    }

    synchronized Known known() {
        return new Known(txidKnown, txid);
    }

    /** The transaction's id on {@code c}, or null when it has written nothing: the one extra round trip. */
    static Long currentTxid(Connection c) throws SQLException {
        try (Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT pg_catalog.txid_current_if_assigned()")) {
            rs.next();
            long id = rs.getLong(1);
            return rs.wasNull() ? null : id;
        }
    }

    /**
     * What the application is told of a commit whose connection failed over ({@code where}, to {@code
     * newWriter}): null when nothing differs either way, 40000 when it provably did not commit, else 08007.
     */
    SQLException commitOutcome(String where, Known known, SQLException cause, Connection newWriter) {
        ended();
        if (known.txidKnown() && known.txid() == null) {
            return null; // the database said it wrote nothing: committed or not, nothing differs
        }
        if (cause == null) {
            return new SQLTransactionRollbackException("The connection " + where + " before the commit was sent; the"
                    + " transaction did not commit: run it again", "40000");
        }
        if (known.txid() != null) {
            // Only "did not commit" can be proven on the new writer. Its "committed" may belong to another
            // transaction that got the same id after the promotion, when this one's records never reached
            // the replica (seen in the tests: the first write after promotion). "aborted", "in progress"
            // and "in the future" all mean this transaction did not commit there.
            String status = txidStatus(newWriter, known.txid());
            if (status != null && !"committed".equals(status)) {
                LOG.log(Level.INFO, "commit whose reply was lost: not committed (txid {0} is {1} on the new writer)",
                        known.txid(), status);
                return new SQLTransactionRollbackException("The connection " + where + " during commit; the new writer shows"
                        + " the transaction did not commit: run it again", "40000", cause);
            }
        }
        return new TransactionStateUnknownSQLException("The connection " + where + " during commit; whether the"
                + " transaction committed is unknown", cause);
    }

    /** {@code committed}, {@code aborted}, {@code in progress}, or null when the writer cannot tell. */
    private static String txidStatus(Connection newWriter, long txid) {
        try (PreparedStatement ps = newWriter.prepareStatement("SELECT pg_catalog.txid_status(?)")) {
            ps.setLong(1, txid);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? rs.getString(1) : null;
            }
        } catch (SQLException e) {
            // 22023 "in the future": the new writer never saw this transaction, so it did not commit there
            return "22023".equals(e.getSQLState()) ? "in the future" : null;
        }
    }
}
