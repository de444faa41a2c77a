package dev.awsjca.reliability.bank;

import dev.awsjca.testkit.PgCluster;
import dev.awsjca.testkit.PgNode;

import java.sql.SQLException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.LongAdder;

/**
 * Holds the database to the invariants, reading it around the adapter (plain pgjdbc straight to the current
 * writer's server): continuously while the tellers run, after each fault, and once at the end. The same audit
 * serves a transfer within one database and one across two (a two-phase commit): each database's books balance
 * at every instant, and at the end every transfer is in all of its databases or in none.
 */
public final class Auditor implements AutoCloseable {

    private static final long WATCH_INTERVAL_MS = 200;
    private static final long SETTLE_MS = 10_000;
    /** A two-phase commit holds its prepared transactions for milliseconds: older ones wait for recovery. */
    private static final int IN_DOUBT_AFTER_S = 5;
    private static final long RECOVERY_ALLOWANCE_MS = 90_000;

    private final PgCluster cluster;
    private final List<BankDatabase> databases;
    private final Findings findings;
    private final AtomicBoolean watching = new AtomicBoolean(true);
    private final LongAdder unreadable = new LongAdder();
    private final Thread watcher;

    public Auditor(PgCluster cluster, List<BankDatabase> databases, Findings findings) {
        this.cluster = cluster;
        this.databases = databases;
        this.findings = findings;
        this.watcher = new Thread(this::watch, "bank-auditor");
        watcher.setDaemon(true);
        watcher.start();
    }

    /** Reads of the books that failed (the writer was down): not a violation, reported for context. */
    public long unreadable() {
        return unreadable.sum();
    }

    private void watch() {
        while (watching.get()) {
            for (BankDatabase db : databases) {
                checkBooks(db, "while running");
            }
            try {
                Thread.sleep(WATCH_INTERVAL_MS);
            } catch (InterruptedException e) {
                return;
            }
        }
    }

    private boolean checkBooks(BankDatabase db, String when) {
        try {
            long unexplained = db.unexplainedMoney(cluster);
            findings.check(Invariant.TOTAL_CONSERVED, unexplained == 0, db.name() + " " + when + ": " + unexplained
                    + " made (or lost, if negative) against the opening balances and the transfer log");
            return true;
        } catch (SQLException | RuntimeException e) {
            unreadable.increment(); // mid-failover the writer may be gone: the next read will tell
            return false;
        }
    }

    /** After a fault has healed and transfers commit again: books, transactions left in doubt, pools. */
    public void afterFault(String fault) throws SQLException {
        for (BankDatabase db : databases) {
            if (!checkBooks(db, "after " + fault)) {
                findings.violated(Invariant.TOTAL_CONSERVED, db.name() + " after " + fault + ": books unreadable on a healed cluster");
            }
        }
        checkNothingPrepared("after " + fault, IN_DOUBT_AFTER_S);
        checkPools("after " + fault);
    }

    /**
     * No transaction stays prepared for longer than {@code seconds} on any node, once the transaction manager's
     * recovery had its time to finish what a fault left in doubt.
     */
    private void checkNothingPrepared(String when, int seconds) throws SQLException {
        long until = System.currentTimeMillis() + RECOVERY_ALLOWANCE_MS;
        for (PgNode node : cluster.nodes()) {
            if (!node.isRunning()) {
                continue;
            }
            int prepared;
            while ((prepared = BankDatabase.preparedTransactions(node, seconds)) > 0 && System.currentTimeMillis() < until) {
                sleep(500);
            }
            findings.check(Invariant.NO_PREPARED_TRANSACTION, prepared == 0, node.name() + " " + when + ": " + prepared
                    + " transaction(s) prepared over " + seconds + " s ago, still there after " + RECOVERY_ALLOWANCE_MS / 1000 + " s");
        }
    }

    /**
     * Connections the pool counts, and sessions the database counts for it on every node, stay within the pool's
     * maximum. A session of a connection just closed may take a moment to end on the server: allow it a few
     * seconds before calling it a leak.
     */
    private void checkPools(String when) throws SQLException {
        for (BankDatabase db : databases) {
            int max = db.maxSessions();
            if (db.pool() != null) {
                int total = db.pool().getHikariPoolMXBean().getTotalConnections();
                findings.check(Invariant.POOL_WITHIN_BOUNDS, total <= max,
                        db.name() + " " + when + ": the pool holds " + total + " connections, maximum " + max);
            }
            long until = System.currentTimeMillis() + SETTLE_MS;
            int sessions;
            while ((sessions = sessions(db)) > max && System.currentTimeMillis() < until) {
                sleep(200);
            }
            findings.check(Invariant.POOL_WITHIN_BOUNDS, sessions <= max,
                    db.name() + " " + when + ": " + sessions + " database sessions for a pool of at most " + max);
        }
    }

    private int sessions(BankDatabase db) throws SQLException {
        int sessions = 0;
        for (PgNode node : cluster.nodes()) {
            if (node.isRunning()) {
                sessions += BankDatabase.applicationSessions(node, db.applicationName());
            }
        }
        return sessions;
    }

    /** With the tellers stopped: every belief of the application held against what the database holds. */
    public void finalAudit(Ledger ledger) throws SQLException {
        checkNothingPrepared("at the end", 0);
        Map<String, BankDatabase.Snapshot> snapshots = new HashMap<>();
        long total = 0;
        long expected = 0;
        for (BankDatabase db : databases) {
            BankDatabase.Snapshot s = db.snapshot(cluster);
            snapshots.put(db.name(), s);
            total += s.total();
            expected += db.expectedTotal();
            for (Map.Entry<Integer, Long> account : s.balances().entrySet()) {
                long replayed = s.replayedBalances().get(account.getKey());
                findings.check(Invariant.BALANCES_MATCH_LOG, replayed == account.getValue(),
                        db.name() + " account " + account.getKey() + ": balance " + account.getValue()
                                + ", transfer log says " + replayed);
            }
            for (Map.Entry<Long, List<Integer>> t : s.attempts().entrySet()) {
                findings.check(Invariant.APPLIED_AT_MOST_ONCE, t.getValue().size() == 1,
                        db.name() + " transfer " + t.getKey() + " applied " + t.getValue().size() + " times");
            }
        }
        findings.check(Invariant.TOTAL_CONSERVED, total == expected,
                "at the end: the databases hold " + total + " together, expected " + expected);
        checkAtomic(ledger, snapshots);
        checkBeliefs(ledger, snapshots);
        findings.check(Invariant.NOTHING_ABANDONED, ledger.abandoned().isEmpty(),
                ledger.abandoned().size() + " transfer(s) given up, e.g. " + ledger.abandoned().stream().limit(5).toList());
        checkPools("at the end");
    }

    /** A transfer that writes to several databases has the same tries in each of them. */
    private void checkAtomic(Ledger ledger, Map<String, BankDatabase.Snapshot> snapshots) {
        Map<Long, List<String>> seen = new HashMap<>();
        snapshots.forEach((name, s) -> s.attempts().forEach((id, tries) -> seen.computeIfAbsent(id, k -> new ArrayList<>()).add(name)));
        seen.forEach((id, where) -> {
            List<String> expected = ledger.databasesOf(id);
            if (expected.size() > 1) {
                findings.check(Invariant.ATOMIC_ACROSS_DATABASES, where.containsAll(expected) && tries(snapshots, expected, id),
                        "transfer " + id + " is in " + where + " (tries " + triesByDatabase(snapshots, expected, id)
                                + "), it writes to " + expected);
            }
        });
    }

    private static boolean tries(Map<String, BankDatabase.Snapshot> snapshots, List<String> databases, long id) {
        return triesByDatabase(snapshots, databases, id).values().stream().distinct().count() == 1;
    }

    private static Map<String, List<Integer>> triesByDatabase(Map<String, BankDatabase.Snapshot> snapshots, List<String> databases, long id) {
        Map<String, List<Integer>> tries = new HashMap<>();
        for (String db : databases) {
            tries.put(db, snapshots.get(db).attempts().getOrDefault(id, List.of()));
        }
        return tries;
    }

    private void checkBeliefs(Ledger ledger, Map<String, BankDatabase.Snapshot> snapshots) {
        for (Attempt a : ledger.acknowledged().values()) {
            for (String db : ledger.databasesOf(a.transferId())) {
                List<Integer> there = snapshots.get(db).attempts().get(a.transferId());
                findings.check(Invariant.ACKNOWLEDGED_PRESENT, there != null && there.contains(a.number()),
                        db + " transfer " + a.transferId() + " try " + a.number() + " was acknowledged and is "
                                + (there == null ? "missing" : "there only as try " + there));
            }
        }
        for (Attempt a : ledger.foundByLookUp().values()) {
            for (String db : ledger.databasesOf(a.transferId())) {
                List<Integer> there = snapshots.get(db).attempts().get(a.transferId());
                findings.check(Invariant.ACKNOWLEDGED_PRESENT, there != null && there.contains(a.number()),
                        db + " transfer " + a.transferId() + " try " + a.number() + " was found by a look-up and is not there now");
            }
        }
        for (BankDatabase.Snapshot s : snapshots.values()) {
            for (Map.Entry<Long, List<Integer>> t : s.attempts().entrySet()) {
                for (int number : t.getValue()) {
                    findings.check(Invariant.FAILED_ABSENT, !ledger.failed().contains(new Attempt(t.getKey(), number)),
                            s.database().name() + " transfer " + t.getKey() + " try " + number
                                    + " is applied, but the application saw it fail");
                }
            }
        }
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public void close() throws InterruptedException {
        watching.set(false);
        watcher.interrupt();
        watcher.join(5_000);
    }
}
