package dev.awsjca.it.bank.teller;

import dev.awsjca.reliability.bank.Attempt;
import dev.awsjca.reliability.bank.Ledger;
import jakarta.transaction.RollbackException;
import jakarta.transaction.Status;
import jakarta.transaction.UserTransaction;

import javax.sql.DataSource;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

/**
 * One application thread of the WildFly bank: each transfer takes money from an account of one database and puts
 * it into an account of the other, in one JTA transaction over the adapter's two XA connection definitions (a
 * two-phase commit). Its reaction to each outcome is the one the error contract asks of an application:
 * <ul>
 * <li>anything before {@code commit()} (an SQLException of any state, 08007 included): the transaction is rolled
 * back and no branch was prepared, so it did not take effect: run it again;</li>
 * <li>{@code commit()} throwing {@code RollbackException}: rolled back, run it again;</li>
 * <li>{@code commit()} throwing anything else ({@code HeuristicMixedException}, {@code SystemException}): the
 * outcome is open; look the transfer up in both databases, and conclude "not applied" only once no transaction
 * prepared before the failure is still in doubt (the transaction manager's recovery may yet commit it).</li>
 * </ul>
 */
final class XaTeller implements Runnable {

    static final List<String> DATABASES = List.of("bank_a", "bank_b");
    private static final long TRANSFER_DEADLINE_NANOS = TimeUnit.SECONDS.toNanos(120);
    private static final int TRANSACTION_TIMEOUT_S = 30;
    private static final long PAUSE_MS = 50;

    private final int number;
    private final UserTransaction tx;
    private final DataSource bankA;
    private final DataSource bankB;
    private final Ledger ledger;
    private final Random random;
    private final int accounts;
    private final BooleanSupplier stopped;
    private long sequence;

    /** Money from {@code from} in one database to {@code to} in the other; {@code fromA} says which way. */
    private record CrossTransfer(long id, boolean fromA, int from, int to, long amount) {
    }

    private enum Outcome { APPLIED, NOT_APPLIED, UNKNOWN }

    XaTeller(int number, UserTransaction tx, DataSource bankA, DataSource bankB, Ledger ledger, long seed, int accounts,
             BooleanSupplier stopped) {
        this.number = number;
        this.tx = tx;
        this.bankA = bankA;
        this.bankB = bankB;
        this.ledger = ledger;
        this.random = new Random(seed);
        this.accounts = accounts;
        this.stopped = stopped;
    }

    @Override
    public void run() {
        while (!stopped.getAsBoolean()) {
            transfer(new CrossTransfer(number * 1_000_000_000L + ++sequence, random.nextBoolean(),
                    1 + random.nextInt(accounts), 1 + random.nextInt(accounts), 1 + random.nextInt(100)));
        }
    }

    /** Returns once the transfer is known to be in both databases exactly once, or abandoned after its deadline. */
    private void transfer(CrossTransfer t) {
        ledger.started(t.id(), DATABASES);
        long deadline = System.nanoTime() + TRANSFER_DEADLINE_NANOS;
        tries:
        for (int number = 1; System.nanoTime() < deadline; number++) {
            Attempt attempt = new Attempt(t.id(), number);
            switch (tryOnce(t, number)) {
                case APPLIED -> {
                    ledger.acknowledged(attempt);
                    return;
                }
                case NOT_APPLIED -> ledger.failed(attempt);
                case UNKNOWN -> {
                    Integer applied;
                    try {
                        applied = lookUp(t.id(), System.currentTimeMillis(), deadline);
                    } catch (NoAnswer e) {
                        break tries;
                    }
                    if (applied == null) {
                        ledger.failed(attempt);
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

    private Outcome tryOnce(CrossTransfer t, int attempt) {
        try {
            tx.setTransactionTimeout(TRANSACTION_TIMEOUT_S);
            tx.begin();
        } catch (Exception e) {
            ledger.error("begin", e.getClass().getSimpleName(), e.getMessage());
            return Outcome.NOT_APPLIED;
        }
        // bank_a before bank_b in every transfer: two transfers never wait for each other's rows in opposite order,
        // a deadlock across two databases that neither database could see
        try (Connection a = bankA.getConnection(); Connection b = bankB.getConnection()) {
            leg(a, t, attempt, t.fromA());
            leg(b, t, attempt, !t.fromA());
        } catch (SQLException | RuntimeException e) {
            ledger.error("transfer", e instanceof SQLException s ? s.getSQLState() : e.getClass().getSimpleName(), messages(e));
            rollBack();
            return Outcome.NOT_APPLIED; // nothing was prepared: the transaction manager never got to commit
        }
        try {
            tx.commit();
            return Outcome.APPLIED;
        } catch (RollbackException e) {
            ledger.error("commit", "RollbackException", e.getMessage());
            return Outcome.NOT_APPLIED;
        } catch (Exception e) { // HeuristicMixedException, HeuristicRollbackException, SystemException, ...
            ledger.error("commit", e.getClass().getSimpleName(), e.getMessage());
            return Outcome.UNKNOWN;
        }
    }

    /** One database's half: the account's balance and the transfer's row in its log (account 0: the other bank). */
    private static void leg(Connection c, CrossTransfer t, int attempt, boolean paying) throws SQLException {
        int account = paying ? t.from() : t.to();
        try (PreparedStatement wait = c.prepareStatement("SET LOCAL lock_timeout = '5s'");
             PreparedStatement update = c.prepareStatement("UPDATE accounts SET balance = balance + ? WHERE id = ?");
             PreparedStatement log = c.prepareStatement(
                     "INSERT INTO transfers (id, attempt, from_id, to_id, amount) VALUES (?, ?, ?, ?, ?)")) {
            // a transaction left prepared by a fault keeps its rows locked until recovery finishes it
            wait.execute();
            update.setLong(1, paying ? -t.amount() : t.amount());
            update.setInt(2, account);
            update.executeUpdate();
            log.setLong(1, t.id());
            log.setInt(2, attempt);
            log.setInt(3, paying ? account : 0);
            log.setInt(4, paying ? 0 : account);
            log.setLong(5, t.amount());
            log.executeUpdate();
        }
    }

    /** The message and its causes' (a container wraps the reason it could not give a connection). */
    private static String messages(Throwable e) {
        StringBuilder all = new StringBuilder(String.valueOf(e.getMessage()));
        for (Throwable cause = e.getCause(); cause != null && cause != cause.getCause(); cause = cause.getCause()) {
            all.append(" <- ").append(cause.getClass().getSimpleName()).append(": ").append(cause.getMessage());
        }
        return all.toString();
    }

    private void rollBack() {
        try {
            if (tx.getStatus() != Status.STATUS_NO_TRANSACTION) {
                tx.rollback();
            }
        } catch (Exception e) {
            ledger.error("rollback", e.getClass().getSimpleName(), e.getMessage());
        }
    }

    /**
     * The try that committed, or null once it is certain none did: not in either database, and no transaction
     * prepared before the failure still in doubt. Asks until it gets an answer or the deadline passes.
     */
    private Integer lookUp(long transferId, long failedAtMs, long deadline) throws NoAnswer {
        while (System.nanoTime() < deadline) {
            try (Connection a = bankA.getConnection(); Connection b = bankB.getConnection()) {
                Integer inA = appliedAttempt(a, transferId);
                Integer inB = appliedAttempt(b, transferId);
                if (inA != null || inB != null) {
                    return inA != null ? inA : inB; // in one of them: the transaction manager decided to commit
                }
                if (inDoubtSince(a, failedAtMs) == 0) {
                    return null;
                }
            } catch (SQLException e) {
                ledger.error("look-up", e.getSQLState(), e.getMessage());
            }
            sleep(500);
        }
        throw new NoAnswer();
    }

    private static Integer appliedAttempt(Connection c, long transferId) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT attempt FROM transfers WHERE id = ?")) {
            ps.setLong(1, transferId);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? rs.getInt(1) : null;
            }
        }
    }

    /** Transactions of the bank's databases prepared before {@code failedAtMs} and not finished yet. */
    private static int inDoubtSince(Connection c, long failedAtMs) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(
                "SELECT count(*) FROM pg_prepared_xacts WHERE database = ANY (string_to_array(?, ','))"
                        + " AND prepared <= to_timestamp(? / 1000.0)")) {
            ps.setString(1, String.join(",", DATABASES));
            ps.setLong(2, failedAtMs);
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getInt(1);
            }
        }
    }

    /** The databases could not be asked before the transfer's deadline. */
    private static final class NoAnswer extends Exception {
        NoAnswer() {
            super(null, null, false, false);
        }
    }

    private static void pause() {
        sleep(PAUSE_MS);
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
