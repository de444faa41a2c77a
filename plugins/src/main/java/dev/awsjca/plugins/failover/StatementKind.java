package dev.awsjca.plugins.failover;

import dev.awsjca.pipeline.JdbcMethod;

/**
 * Which calls run a statement of the application on the server. What a statement did is never judged
 * from its text: {@code SELECT f()} writes when {@code f} does, and so may a view. Only the database can
 * tell (the transaction id, read before a local commit); a statement in flight when its node was lost
 * may have written, whatever its text.
 */
final class StatementKind {

    private StatementKind() {
    }

    /** execute*, and commit: what can change the database. Getters, setters, fetching rows do not. */
    static boolean runsSql(JdbcMethod method) {
        String name = method.methodName();
        return name.startsWith("execute") || method == JdbcMethod.CONNECTION_COMMIT;
    }
}
