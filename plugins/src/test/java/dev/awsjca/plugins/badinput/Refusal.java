package dev.awsjca.plugins.badinput;

import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * What the application must get from one bad input: an SQLException (nothing else escapes), with the expected
 * SQLState, a message holding the words that tell what was wrong, within a bound, and no secret anywhere in
 * the exception: message, toString, causes, suppressed and next exceptions.
 */
final class Refusal {

    @FunctionalInterface
    interface Attempt {
        void run() throws Exception;
    }

    private Refusal() {
    }

    static SQLException assertRefused(Attempt attempt, String sqlState, Duration bound, Collection<String> secrets,
            String... words) {
        long t0 = System.nanoTime();
        Throwable thrown = null;
        try {
            attempt.run();
        } catch (Throwable t) {
            thrown = t;
        }
        Duration took = Duration.ofNanos(System.nanoTime() - t0);
        if (!(thrown instanceof SQLException e)) {
            throw new AssertionError("expected an SQLException, got " + (thrown == null ? "none (it worked)" : thrown), thrown);
        }
        assertEquals(sqlState, e.getSQLState(), () -> "SQLState of " + e);
        assertTrue(took.compareTo(bound) < 0, () -> "answered after " + took.toMillis() + " ms, bound " + bound.toMillis() + " ms: " + e);
        for (String word : words) {
            assertTrue(e.getMessage().contains(word), () -> "'" + word + "' missing from: " + e.getMessage());
        }
        for (Throwable t : chain(e)) {
            for (String secret : secrets) {
                if (String.valueOf(t).contains(secret) || String.valueOf(t.getMessage()).contains(secret)) {
                    fail("a secret is shown by " + t.getClass().getName() + " in the chain of " + e.getClass().getName()
                            + " (SQLState " + e.getSQLState() + ")");
                }
            }
        }
        return e;
    }

    /** The exception and everything reachable from it: causes, suppressed, next exceptions. */
    static List<Throwable> chain(Throwable root) {
        List<Throwable> all = new ArrayList<>();
        collect(root, all);
        return all;
    }

    private static void collect(Throwable t, List<Throwable> into) {
        if (t == null || into.contains(t)) {
            return;
        }
        into.add(t);
        collect(t.getCause(), into);
        for (Throwable s : t.getSuppressed()) {
            collect(s, into);
        }
        if (t instanceof SQLException sql) {
            collect(sql.getNextException(), into);
        }
    }
}
