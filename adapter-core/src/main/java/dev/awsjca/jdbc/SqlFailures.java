package dev.awsjca.jdbc;

import java.io.IOException;
import java.sql.SQLException;

/** Which failures mean the connection (or its node) is gone. The one place that decides it. */
public final class SqlFailures {

    private SqlFailures() {
    }

    /**
     * SQLState class 08 (connection exception), 57P01-57P03 (admin shutdown, crash shutdown, cannot
     * connect now), or an I/O cause however it was wrapped.
     */
    public static boolean isConnectionFailure(SQLException e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof SQLException sql) {
                String state = sql.getSQLState();
                if (state != null && (state.startsWith("08") || state.equals("57P01") || state.equals("57P02")
                        || state.equals("57P03"))) {
                    return true;
                }
            } else if (t instanceof IOException) {
                return true;
            }
            if (t.getCause() == t) {
                break;
            }
        }
        return false;
    }

    /**
     * The server refused the login: 28P01 (wrong password), 28000 (no such role, role may not log in, no
     * pg_hba entry). Says nothing of the host's health.
     */
    public static boolean isAuthenticationFailure(SQLException e) {
        for (Throwable t = e; t != null && t.getCause() != t; t = t.getCause()) {
            if (t instanceof SQLException sql && sql.getSQLState() != null && sql.getSQLState().startsWith("28")) {
                return true;
            }
        }
        return false;
    }

    /** 25006: a write in a read-only transaction, which a demoted writer answers too. */
    public static boolean isReadOnlyViolation(SQLException e) {
        return "25006".equals(e.getSQLState());
    }
}
