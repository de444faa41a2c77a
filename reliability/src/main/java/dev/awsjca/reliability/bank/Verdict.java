package dev.awsjca.reliability.bank;

/** What one try at a transfer came to, as an application following the error contract reads the exception. */
enum Verdict {
    /** The commit returned: the transfer must be in the database, exactly once. */
    APPLIED,
    /** It certainly did not take effect (08S02, a 40xxx rollback, no connection at all): try again. */
    NOT_APPLIED,
    /** It may have committed (08007, a lost connection): look it up by its id before trying again. */
    UNKNOWN;

    /**
     * The application's reading of an SQLState, per the adapter's error contract (README, "What the application
     * sees"). Anything it does not know for sure is looked up: a look-up is always safe, a blind retry is not.
     */
    static Verdict of(String sqlState) {
        if (sqlState == null) {
            return UNKNOWN;
        }
        if (sqlState.equals("08S02") || sqlState.startsWith("40")) {
            return NOT_APPLIED;
        }
        return UNKNOWN;
    }
}
