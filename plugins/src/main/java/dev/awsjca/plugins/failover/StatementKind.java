package dev.awsjca.plugins.failover;

import dev.awsjca.pipeline.JdbcCall;

import java.util.Locale;

/**
 * Whether a call provably changes nothing in the database, so that after a failover it may be re-run
 * (08S02). Anything not known to be read-only counts as a write.
 */
final class StatementKind {

    private StatementKind() {
    }

    /**
     * True for calls that send no SQL (getters, setters, close of a result set), and for SQL that only
     * reads: SELECT (not SELECT ... INTO), SHOW, VALUES, TABLE, EXPLAIN without ANALYZE. A SELECT that
     * calls a function with side effects is the one case this cannot see; see docs/FAILOVER.md.
     */
    static boolean isReadOnly(JdbcCall<?> call) {
        String name = call.method().methodName();
        boolean runsSql = name.startsWith("execute") || name.equals("commit");
        if (!runsSql) {
            return true;
        }
        if (name.equals("executeBatch") || name.equals("executeLargeBatch") || name.equals("commit")) {
            return false;
        }
        String sql = call.sql();
        return sql != null && isReadOnlySql(sql);
    }

    static boolean isReadOnlySql(String sql) {
        String s = stripLeadingComments(sql).toUpperCase(Locale.ROOT);
        if (s.startsWith("SELECT") || s.startsWith("(SELECT")) {
            return !s.matches("(?s).*\\bINTO\\b.*") && !s.contains(";");
        }
        if (s.startsWith("EXPLAIN")) {
            return !s.matches("(?s)EXPLAIN\\s*(\\(.*ANALY[SZ]E.*\\)|ANALY[SZ]E).*");
        }
        return (s.startsWith("SHOW") || s.startsWith("VALUES") || s.startsWith("TABLE ")) && !s.contains(";");
    }

    private static String stripLeadingComments(String sql) {
        String s = sql.stripLeading();
        while (true) {
            if (s.startsWith("--")) {
                int nl = s.indexOf('\n');
                s = nl < 0 ? "" : s.substring(nl + 1).stripLeading();
            } else if (s.startsWith("/*")) {
                int end = s.indexOf("*/");
                s = end < 0 ? "" : s.substring(end + 2).stripLeading();
            } else {
                return s;
            }
        }
    }
}
