package dev.awsjca.plugins.readwritesplitting;

import dev.awsjca.plugins.sql.Route;

import dev.awsjca.pipeline.JdbcCall;
import dev.awsjca.topology.HostSpec;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.concurrent.TimeUnit;

/**
 * {@code readAfterWrite=wait}: after this logical connection committed a write, a read routed to a reader
 * first waits until that reader replayed the commit's WAL position, up to {@code readAfterWriteTimeoutMs};
 * when it does not in time, the read runs on the writer. Costs one round trip per committed write (the
 * position) and one per check on a reader; nothing when off.
 */
final class ReadAfterWrite {

    private static final long POLL_MS = 2;

    private final boolean enabled;
    private final long timeoutMs;
    private boolean transactionWrote;
    private String commitLsn; // the writer's WAL insert position after this connection's last write
    private String confirmedOn; // the reader endpoint that has replayed commitLsn

    ReadAfterWrite(SplittingSettings settings) {
        this.enabled = settings.readAfterWrite();
        this.timeoutMs = settings.readAfterWriteTimeoutMs();
    }

    /** A statement succeeded on the writer. */
    void executedOnWriter(Connection writer, boolean autoCommit, String sql) throws SQLException {
        if (!enabled || (sql != null && SqlClassifier.classify(sql) == Route.READER)) {
            return;
        }
        if (autoCommit) {
            remember(writer);
        } else {
            transactionWrote = true;
        }
    }

    void committed(Connection connection, boolean onReader) throws SQLException {
        if (enabled && transactionWrote && !onReader) {
            remember(connection);
        }
        transactionWrote = false;
    }

    /** setAutoCommit(true) commits the open transaction. */
    void commitOrAutoCommitEnded(Connection connection, boolean onReader, JdbcCall<?> call) throws SQLException {
        if (Boolean.TRUE.equals(call.args()[0])) {
            committed(connection, onReader);
        }
    }

    void transactionEnded() {
        transactionWrote = false;
    }

    private void remember(Connection writer) throws SQLException {
        try (Statement s = writer.createStatement(); ResultSet rs = s.executeQuery("SELECT pg_catalog.pg_current_wal_insert_lsn()::text")) {
            rs.next();
            commitLsn = rs.getString(1);
            confirmedOn = null;
        }
    }

    /** True when {@code reader} may serve the next read: nothing to wait for, or replayed in time. */
    boolean replayed(Connection reader, HostSpec host) throws SQLException {
        if (!enabled || commitLsn == null || host.endpoint().equals(confirmedOn)) {
            return true;
        }
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(timeoutMs);
        try (PreparedStatement ps = reader.prepareStatement(
                "SELECT COALESCE(pg_catalog.pg_last_wal_replay_lsn() >= ?::pg_lsn, true)")) {
            ps.setString(1, commitLsn);
            while (true) {
                try (ResultSet rs = ps.executeQuery()) {
                    rs.next();
                    if (rs.getBoolean(1)) {
                        confirmedOn = host.endpoint();
                        return true;
                    }
                }
                if (System.nanoTime() >= deadline) {
                    return false;
                }
                try {
                    Thread.sleep(POLL_MS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return false;
                }
            }
        }
    }
}
