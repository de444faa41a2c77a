package dev.awsjca.wildflyapp;

import javax.transaction.xa.XAException;
import java.sql.SQLException;
import java.util.IdentityHashMap;
import java.util.Map;
import java.util.Set;
import java.util.Collections;

/**
 * What an application can tell from an exception: the SQLState of the first {@link SQLException} in its
 * cause chain (its suppressed exceptions included), else the XA error code of an {@link XAException},
 * else the exception's class. Pure logic, tested without a server.
 */
final class Failures {

    private Failures() {
    }

    /**
     * A short key to count failures by: the SQLState of an {@link SQLException} ({@code 08007}), the code of an
     * {@link XAException} ({@code XA_RBCOMMFAIL}); another exception is named by its class, with the SQLState or
     * XA code found in its causes in parentheses: {@code HeuristicMixedException(08006)}, {@code RollbackException}.
     */
    static String kind(Throwable t) {
        if (t instanceof SQLException sql && sql.getSQLState() != null) {
            return sql.getSQLState();
        }
        if (t instanceof XAException xa) {
            return xaCode(xa.errorCode);
        }
        String inner = null;
        SQLException sql = find(t, SQLException.class);
        if (sql != null && sql.getSQLState() != null) {
            inner = sql.getSQLState();
        } else {
            XAException xa = find(t, XAException.class);
            if (xa != null) {
                inner = xaCode(xa.errorCode);
            }
        }
        return t.getClass().getSimpleName() + (inner == null ? "" : "(" + inner + ")");
    }

    /** One line for people: the kind, the exception class and its message, and the root cause's when different. */
    static String describe(Throwable t) {
        StringBuilder s = new StringBuilder();
        SQLException sql = find(t, SQLException.class);
        XAException xa = find(t, XAException.class);
        if (sql != null && sql.getSQLState() != null) {
            s.append("SQLState ").append(sql.getSQLState()).append(" (").append(sql.getClass().getSimpleName()).append(": ")
                    .append(firstLine(sql.getMessage())).append(')');
            if (sql != t) {
                s.append(" in ").append(t.getClass().getSimpleName());
            }
        } else if (xa != null) {
            s.append(xaCode(xa.errorCode)).append(" (XAException: ").append(firstLine(xa.getMessage())).append(')');
            if (xa != t) {
                s.append(" in ").append(t.getClass().getSimpleName());
            }
        } else {
            s.append(t.getClass().getSimpleName()).append(": ").append(firstLine(t.getMessage()));
            Throwable root = root(t);
            if (root != t) {
                s.append(" (cause ").append(root.getClass().getSimpleName()).append(": ").append(firstLine(root.getMessage())).append(')');
            }
        }
        return s.toString();
    }

    /** The XA error code's name, as javax.transaction.xa.XAException declares it. */
    static String xaCode(int code) {
        return switch (code) {
            case XAException.XA_RBROLLBACK -> "XA_RBROLLBACK";
            case XAException.XA_RBCOMMFAIL -> "XA_RBCOMMFAIL";
            case XAException.XA_RBDEADLOCK -> "XA_RBDEADLOCK";
            case XAException.XA_RBINTEGRITY -> "XA_RBINTEGRITY";
            case XAException.XA_RBOTHER -> "XA_RBOTHER";
            case XAException.XA_RBPROTO -> "XA_RBPROTO";
            case XAException.XA_RBTIMEOUT -> "XA_RBTIMEOUT";
            case XAException.XA_RBTRANSIENT -> "XA_RBTRANSIENT";
            case XAException.XA_HEURHAZ -> "XA_HEURHAZ";
            case XAException.XA_HEURCOM -> "XA_HEURCOM";
            case XAException.XA_HEURRB -> "XA_HEURRB";
            case XAException.XA_HEURMIX -> "XA_HEURMIX";
            case XAException.XA_RETRY -> "XA_RETRY";
            case XAException.XA_RDONLY -> "XA_RDONLY";
            case XAException.XAER_ASYNC -> "XAER_ASYNC";
            case XAException.XAER_RMERR -> "XAER_RMERR";
            case XAException.XAER_NOTA -> "XAER_NOTA";
            case XAException.XAER_INVAL -> "XAER_INVAL";
            case XAException.XAER_PROTO -> "XAER_PROTO";
            case XAException.XAER_RMFAIL -> "XAER_RMFAIL";
            case XAException.XAER_DUPID -> "XAER_DUPID";
            case XAException.XAER_OUTSIDE -> "XAER_OUTSIDE";
            default -> "XA error " + code;
        };
    }

    /** The first exception of the given type in the cause chain or among suppressed exceptions, breadth first. */
    static <T extends Throwable> T find(Throwable t, Class<T> type) {
        Set<Throwable> seen = Collections.newSetFromMap(new IdentityHashMap<>());
        java.util.ArrayDeque<Throwable> queue = new java.util.ArrayDeque<>();
        queue.add(t);
        while (!queue.isEmpty()) {
            Throwable x = queue.poll();
            if (!seen.add(x)) {
                continue;
            }
            if (type.isInstance(x)) {
                return type.cast(x);
            }
            if (x.getCause() != null) {
                queue.add(x.getCause());
            }
            for (Throwable s : x.getSuppressed()) {
                queue.add(s);
            }
        }
        return null;
    }

    private static Throwable root(Throwable t) {
        Map<Throwable, Boolean> seen = new IdentityHashMap<>();
        while (t.getCause() != null && seen.put(t, Boolean.TRUE) == null) {
            t = t.getCause();
        }
        return t;
    }

    private static String firstLine(String message) {
        if (message == null) {
            return "";
        }
        int nl = message.indexOf('\n');
        String line = nl < 0 ? message : message.substring(0, nl);
        return line.length() > 240 ? line.substring(0, 240) + "..." : line;
    }
}
