package dev.awsjca.jdbc;

import java.io.IOException;
import java.sql.SQLException;

/**
 * What a failure means: a lost connection (or node), a refused login, an object left behind by a
 * failover. The one place that decides it; every layer (pipeline, plugins, resource adapter) asks here.
 */
public final class SqlFailures {

    /** pgjdbc's own state for a JDBC object used when it cannot be (a closed statement): not class 08. */
    public static final String OBJECT_NOT_IN_STATE = "55000";

    private SqlFailures() {
    }

    /**
     * SQLState class 08 (connection exception), 57P01-57P03 (admin shutdown, crash shutdown, cannot
     * connect now), or an I/O cause however it was wrapped. An object that outlived its session
     * ({@link StaleObjectSQLException}) is not: its connection works, only the object is gone.
     */
    public static boolean isConnectionFailure(SQLException e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof StaleObjectSQLException) {
                return false;
            }
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
     * The database (or a credentials plugin) refused the login: SQLState class 28 (28000 invalid
     * authorization specification, 28P01 wrong password), anywhere in the chain (a container or a plugin may
     * have wrapped it). Another host or a retry with the same credentials will not do better, and it says
     * nothing of the host's health.
     */
    public static boolean isAuthenticationFailure(SQLException e) {
        for (Throwable t = e; t != null && t.getCause() != t; t = t.getCause()) {
            if (t instanceof SQLException sql && sql.getSQLState() != null && sql.getSQLState().startsWith("28")) {
                return true;
            }
        }
        return false;
    }

    /**
     * The server answered the login and refused it: class 28 (the credentials), 3D000 (the database does not
     * exist, or was dropped) or 42501 (no CONNECT privilege on it). The host is alive, and another host of
     * the cluster, or another try with the same login, gets the same answer: waiting for a writer cannot help.
     */
    public static boolean isLoginRefused(SQLException e) {
        if (isAuthenticationFailure(e)) {
            return true;
        }
        for (Throwable t = e; t != null && t.getCause() != t; t = t.getCause()) {
            if (t instanceof SQLException sql && ("3D000".equals(sql.getSQLState()) || "42501".equals(sql.getSQLState()))) {
                return true;
            }
        }
        return false;
    }

    /**
     * The network or the server turned the connection attempt away: refused, no route, an unknown name, a TCP
     * connect that timed out, or a server shutting down or starting (57P0x). A login that was accepted and then
     * took too long is not: that is a busy server, whose open connections may still answer in milliseconds.
     */
    public static boolean isUnreachable(Throwable e) {
        for (Throwable t = e; t != null && t.getCause() != t; t = t.getCause()) {
            if (t instanceof java.net.ConnectException || t instanceof java.net.NoRouteToHostException
                    || t instanceof java.net.UnknownHostException
                    || (t instanceof java.net.SocketTimeoutException && String.valueOf(t.getMessage()).toLowerCase().contains("connect"))
                    || (t instanceof SQLException sql && sql.getSQLState() != null && sql.getSQLState().startsWith("57P0"))) {
                return true;
            }
        }
        return false;
    }

    /**
     * A login that the server accepted and then did not finish in time: a read timed out, or the attempt took
     * {@link #SLOW_LOGIN_MS} or more and failed for a reason other than {@link #isUnreachable}. On busy CPUs a
     * login (a process, TLS, a password check) takes seconds while statements on open connections answer in
     * milliseconds: a busy server, not a lost one. A login that failed fast (reset, end of stream: a crashed
     * server behind a proxy) is not slow.
     */
    public static boolean isSlowLogin(Throwable e, long tookMs) {
        if (isUnreachable(e)) {
            return false;
        }
        if (tookMs >= SLOW_LOGIN_MS) {
            return true;
        }
        for (Throwable t = e; t != null && t.getCause() != t; t = t.getCause()) {
            if (t instanceof java.net.SocketTimeoutException) {
                return true; // a read of the login timed out (pgjdbc's socketTimeout)
            }
        }
        return false;
    }

    /** A login this slow is a busy server: healthy ones log in within milliseconds. */
    public static final long SLOW_LOGIN_MS = 1000;

    /** 25006: a write in a read-only transaction, which a demoted writer answers too. */
    public static boolean isReadOnlyViolation(SQLException e) {
        return "25006".equals(e.getSQLState());
    }

    /**
     * The first SQLException in a chain of causes (a container wraps the adapter's failure in its own
     * ResourceExceptions, one or more levels deep), or null when there is none.
     */
    public static SQLException firstSqlException(Throwable failure) {
        int depth = 0;
        for (Throwable t = failure; t != null && depth < 32; t = t.getCause(), depth++) {
            if (t instanceof SQLException sql) {
                return sql;
            }
            if (t.getCause() == t) {
                break;
            }
        }
        return null;
    }
}
