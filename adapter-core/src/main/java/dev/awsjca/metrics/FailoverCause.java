package dev.awsjca.metrics;

import dev.awsjca.jdbc.SqlFailures;

import java.sql.SQLException;
import java.util.Locale;

/** Why a connection failed over: the one place that names it for metrics (labels and dimensions). */
public enum FailoverCause {
    /** The connection or its node failed (SQLState class 08, shutdown, I/O), or the host monitor aborted it. */
    CONNECTION_LOST,
    /** The node refused a write as read-only (25006): the writer was demoted. */
    WRITER_DEMOTED,
    /** No error: the topology named a new writer and the connection moved before its next use. */
    TOPOLOGY_CHANGE,
    /** Any other error that made the failover plugin move the connection. */
    OTHER;

    /** The cause of a failover from the error that started it; null means the topology moved the connection. */
    public static FailoverCause of(SQLException error) {
        if (error == null) {
            return TOPOLOGY_CHANGE;
        }
        if (SqlFailures.isReadOnlyViolation(error)) {
            return WRITER_DEMOTED;
        }
        return SqlFailures.isConnectionFailure(error) ? CONNECTION_LOST : OTHER;
    }

    /** The label: {@code connection_lost}, {@code writer_demoted}, {@code topology_change}, {@code other}. */
    public String label() {
        return name().toLowerCase(Locale.ROOT);
    }
}
