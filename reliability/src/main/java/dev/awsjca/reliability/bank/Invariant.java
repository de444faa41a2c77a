package dev.awsjca.reliability.bank;

/** What the bank must never break, whatever the faults. */
public enum Invariant {
    TOTAL_CONSERVED("no money made or lost: each database's total moves only by what its transfer log says moved in or out (read continuously and after each fault), and the databases' total is conserved at the end"),
    ACKNOWLEDGED_PRESENT("no transfer acknowledged to the application is missing"),
    APPLIED_AT_MOST_ONCE("no transfer is applied twice"),
    FAILED_ABSENT("no try the application saw fail (or looked up and did not find) is applied"),
    BALANCES_MATCH_LOG("every balance equals its opening balance plus the transfers logged"),
    ATOMIC_ACROSS_DATABASES("a transfer between two databases is in both or in neither"),
    NO_PREPARED_TRANSACTION("no prepared transaction is left on any node"),
    POOL_WITHIN_BOUNDS("the pools' connections and database sessions are within their bounds"),
    PROGRESS("transfers commit again within 60 s of each fault"),
    NOTHING_ABANDONED("no transfer is given up (120 s without an answer)");

    private final String meaning;

    Invariant(String meaning) {
        this.meaning = meaning;
    }

    public String meaning() {
        return meaning;
    }
}
