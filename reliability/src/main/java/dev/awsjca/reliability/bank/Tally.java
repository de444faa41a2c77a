package dev.awsjca.reliability.bank;

import java.util.Map;

/**
 * What the application concluded about its transfers, as counts: what a bank's report tells and what its fault
 * schedule watches (is anything committing?). The tellers' ledger keeps it, in this JVM or in a server.
 */
public interface Tally {

    /** Transfers known to be in the database: acknowledged, or found by a look-up after an open outcome. */
    long completed();

    long acknowledgedCount();

    long foundByLookUpCount();

    /** Tries the application took as not applied and ran again. */
    long failedCount();

    long abandonedCount();

    /** Errors seen, by where (connect, transfer, commit, look-up) and SQLState or exception, sorted. */
    Map<String, Long> errors();

    /** The first message of each kind of error, where it was kept. */
    default Map<String, String> errorExamples() {
        return Map.of();
    }

    default long errorCount() {
        return errors().values().stream().mapToLong(Long::longValue).sum();
    }

    /** How long ago the last transfer was acknowledged. */
    long nanosSinceLastCommit();

    /** The longest time between two commits since the last call: how long the application stood still. */
    long takeLongestPauseNanos();
}
