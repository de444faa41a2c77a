package dev.awsjca.reliability.bank;

/** Money moved between two accounts of one database, in one transaction. */
record Transfer(long id, BankDatabase database, int from, int to, long amount) {

    /** Accounts are updated in id order, so two transfers never deadlock each other. */
    int first() {
        return Math.min(from, to);
    }

    int second() {
        return Math.max(from, to);
    }
}
