package dev.awsjca.reliability.bank;

/** What the bank must never break, whatever the faults. */
enum Invariant {
    TOTAL_CONSERVED("the total of every database is conserved (read continuously and after each fault)"),
    ACKNOWLEDGED_PRESENT("no transfer acknowledged to the application is missing"),
    APPLIED_AT_MOST_ONCE("no transfer is applied twice"),
    FAILED_ABSENT("no try the application saw fail (or looked up and did not find) is applied"),
    BALANCES_MATCH_LOG("every balance equals its opening balance plus the transfers logged"),
    NO_PREPARED_TRANSACTION("no prepared transaction is left on any node"),
    POOL_WITHIN_BOUNDS("the pools' connections and database sessions are within their bounds"),
    PROGRESS("transfers commit again within 60 s of each fault"),
    NOTHING_ABANDONED("no transfer is given up (120 s without an answer)");

    private final String meaning;

    Invariant(String meaning) {
        this.meaning = meaning;
    }

    String meaning() {
        return meaning;
    }
}
