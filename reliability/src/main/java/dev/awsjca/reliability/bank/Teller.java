package dev.awsjca.reliability.bank;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

/**
 * One application thread moving money, with the reaction to each error that the adapter's contract asks of an
 * application: 08S02 and 40xxx run again, anything that may have committed (08007, a lost connection) is looked
 * up by the transfer's id first. Every conclusion goes to the ledger, which the audit checks against the database.
 */
final class Teller implements Runnable {

    private static final long TRANSFER_DEADLINE_NANOS = TimeUnit.SECONDS.toNanos(120);
    private static final long PAUSE_MS = 50;

    private final int number;
    private final List<BankDatabase> databases;
    private final Ledger ledger;
    private final Random random;
    private final BooleanSupplier stopped;
    private long sequence;

    Teller(int number, List<BankDatabase> databases, Ledger ledger, long seed, BooleanSupplier stopped) {
        this.number = number;
        this.databases = databases;
        this.ledger = ledger;
        this.random = new Random(seed);
        this.stopped = stopped;
    }

    @Override
    public void run() {
        while (!stopped.getAsBoolean()) {
            transfer(next());
        }
    }

    private Transfer next() {
        BankDatabase db = databases.get(random.nextInt(databases.size()));
        int from = 1 + random.nextInt(db.accounts());
        int to = 1 + random.nextInt(db.accounts() - 1);
        if (to >= from) {
            to++;
        }
        return new Transfer(number * 1_000_000_000L + ++sequence, db, from, to, 1 + random.nextInt(100));
    }

    /** Returns once the transfer is known to be in the database exactly once, or abandoned after its deadline. */
    private void transfer(Transfer t) {
        ledger.started(t.id(), List.of(t.database().name()));
        long deadline = System.nanoTime() + TRANSFER_DEADLINE_NANOS;
        tries:
        for (int number = 1; System.nanoTime() < deadline; number++) {
            Attempt attempt = new Attempt(t.id(), number);
            switch (tryOnce(t, attempt)) {
                case APPLIED -> {
                    ledger.acknowledged(attempt);
                    return;
                }
                case NOT_APPLIED -> ledger.failed(attempt);
                case UNKNOWN -> {
                    Integer applied;
                    try {
                        applied = lookUp(t, deadline);
                    } catch (NoAnswer e) {
                        break tries; // abandoned below, its outcome unknown to the application
                    }
                    if (applied == null) {
                        ledger.failed(attempt); // the look-up says it did not commit: trying again must not double it
                    } else {
                        ledger.foundByLookUp(new Attempt(t.id(), applied));
                        return;
                    }
                }
            }
            pause();
        }
        ledger.abandoned(t.id());
    }

    private Verdict tryOnce(Transfer t, Attempt attempt) {
        Connection c;
        try {
            c = t.database().pool().getConnection();
        } catch (SQLException e) {
            ledger.error("connect", e.getSQLState(), e.getMessage());
            return Verdict.NOT_APPLIED; // no connection, no transaction
        }
        try (c) {
            t.database().apply(c, t, attempt.number());
            return Verdict.APPLIED;
        } catch (SQLException e) {
            ledger.error("transfer", e.getSQLState(), e.getMessage());
            return Verdict.of(e.getSQLState());
        }
    }

    /** The try of the transfer that committed, or null; asks until it gets an answer or the deadline passes. */
    private Integer lookUp(Transfer t, long deadline) throws NoAnswer {
        while (System.nanoTime() < deadline) {
            try (Connection c = t.database().pool().getConnection()) {
                return t.database().appliedAttempt(c, t.id());
            } catch (SQLException e) {
                ledger.error("look-up", e.getSQLState(), e.getMessage());
                pause();
            }
        }
        throw new NoAnswer();
    }

    /** The database could not be asked before the transfer's deadline. */
    private static final class NoAnswer extends Exception {
        NoAnswer() {
            super(null, null, false, false);
        }
    }

    private static void pause() {
        try {
            Thread.sleep(PAUSE_MS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
