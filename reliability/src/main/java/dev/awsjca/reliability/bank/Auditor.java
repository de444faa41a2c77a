package dev.awsjca.reliability.bank;

import dev.awsjca.testkit.PgCluster;
import dev.awsjca.testkit.PgNode;

import java.sql.SQLException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.LongAdder;

/**
 * Holds the database to the invariants, reading it around the adapter (plain pgjdbc straight to the current
 * writer's server): continuously while the tellers run, after each fault, and once at the end.
 */
final class Auditor implements AutoCloseable {

    private static final long WATCH_INTERVAL_MS = 200;
    private static final long SETTLE_MS = 10_000;

    private final PgCluster cluster;
    private final List<BankDatabase> databases;
    private final Findings findings;
    private final AtomicBoolean watching = new AtomicBoolean(true);
    private final LongAdder unreadable = new LongAdder();
    private final Thread watcher;

    Auditor(PgCluster cluster, List<BankDatabase> databases, Findings findings) {
        this.cluster = cluster;
        this.databases = databases;
        this.findings = findings;
        this.watcher = new Thread(this::watch, "bank-auditor");
        watcher.setDaemon(true);
        watcher.start();
    }

    /** Reads of the totals that failed (the writer was down): not a violation, reported for context. */
    long unreadable() {
        return unreadable.sum();
    }

    private void watch() {
        while (watching.get()) {
            for (BankDatabase db : databases) {
                checkTotal(db, "while running");
            }
            try {
                Thread.sleep(WATCH_INTERVAL_MS);
            } catch (InterruptedException e) {
                return;
            }
        }
    }

    private boolean checkTotal(BankDatabase db, String when) {
        try {
            long total = db.total(cluster);
            findings.check(Invariant.TOTAL_CONSERVED, total == db.expectedTotal(),
                    db.name() + " " + when + ": total " + total + ", expected " + db.expectedTotal());
            return true;
        } catch (SQLException | RuntimeException e) {
            unreadable.increment(); // mid-failover the writer may be gone: the next read will tell
            return false;
        }
    }

    /** After a fault has healed and transfers commit again: totals, prepared transactions, pools. */
    void afterFault(String fault) throws SQLException {
        for (BankDatabase db : databases) {
            if (!checkTotal(db, "after " + fault)) {
                findings.violated(Invariant.TOTAL_CONSERVED, db.name() + " after " + fault + ": total unreadable on a healed cluster");
            }
        }
        for (PgNode node : cluster.nodes()) {
            if (node.isRunning()) {
                int prepared = BankDatabase.preparedTransactions(node);
                findings.check(Invariant.NO_PREPARED_TRANSACTION, prepared == 0,
                        node.name() + " after " + fault + ": " + prepared + " prepared transaction(s)");
            }
        }
        checkPools("after " + fault);
    }

    /**
     * Connections the pool counts, and sessions the database counts for it on every node, stay within the pool's
     * maximum. A session of a connection just closed may take a moment to end on the server: allow it a few
     * seconds before calling it a leak.
     */
    private void checkPools(String when) throws SQLException {
        for (BankDatabase db : databases) {
            int max = db.pool().getMaximumPoolSize();
            int total = db.pool().getHikariPoolMXBean().getTotalConnections();
            findings.check(Invariant.POOL_WITHIN_BOUNDS, total <= max,
                    db.name() + " " + when + ": the pool holds " + total + " connections, maximum " + max);
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
                sessions += BankDatabase.applicationSessions(node, BankRun.applicationName(db));
            }
        }
        return sessions;
    }

    /** With the tellers stopped: every belief of the application held against what the database holds. */
    void finalAudit(Ledger ledger) throws SQLException {
        List<BankDatabase.Snapshot> snapshots = new ArrayList<>();
        for (BankDatabase db : databases) {
            snapshots.add(db.snapshot(cluster));
        }
        for (BankDatabase.Snapshot s : snapshots) {
            String db = s.database().name();
            findings.check(Invariant.TOTAL_CONSERVED, s.total() == s.database().expectedTotal(),
                    db + " at the end: total " + s.total() + ", expected " + s.database().expectedTotal());
            for (Map.Entry<Integer, Long> account : s.balances().entrySet()) {
                long replayed = s.replayedBalances().get(account.getKey());
                findings.check(Invariant.BALANCES_MATCH_LOG, replayed == account.getValue(),
                        db + " account " + account.getKey() + ": balance " + account.getValue()
                                + ", transfer log says " + replayed);
            }
            for (Map.Entry<Long, List<Integer>> t : s.attempts().entrySet()) {
                findings.check(Invariant.APPLIED_AT_MOST_ONCE, t.getValue().size() == 1,
                        db + " transfer " + t.getKey() + " applied " + t.getValue().size() + " times");
            }
        }
        checkBeliefs(ledger, snapshots);
        findings.check(Invariant.NOTHING_ABANDONED, ledger.abandoned().isEmpty(),
                ledger.abandoned().size() + " transfer(s) given up, e.g. " + ledger.abandoned().stream().limit(5).toList());
        afterFault("the run");
    }

    private void checkBeliefs(Ledger ledger, List<BankDatabase.Snapshot> snapshots) {
        Map<String, BankDatabase.Snapshot> byName = new HashMap<>();
        snapshots.forEach(s -> byName.put(s.database().name(), s));
        for (Attempt a : ledger.acknowledged().values()) {
            List<Integer> there = byName.get(ledger.databaseOf(a.transferId()).name()).attempts().get(a.transferId());
            findings.check(Invariant.ACKNOWLEDGED_PRESENT, there != null && there.contains(a.number()),
                    "transfer " + a.transferId() + " try " + a.number() + " was acknowledged and is "
                            + (there == null ? "missing" : "there only as try " + there));
        }
        for (Attempt a : ledger.foundByLookUp().values()) {
            List<Integer> there = byName.get(ledger.databaseOf(a.transferId()).name()).attempts().get(a.transferId());
            findings.check(Invariant.ACKNOWLEDGED_PRESENT, there != null && there.contains(a.number()),
                    "transfer " + a.transferId() + " try " + a.number() + " was found by a look-up and is gone now");
        }
        Set<Attempt> failed = ledger.failed();
        for (BankDatabase.Snapshot s : snapshots) {
            for (Map.Entry<Long, List<Integer>> t : s.attempts().entrySet()) {
                for (int number : t.getValue()) {
                    findings.check(Invariant.FAILED_ABSENT, !failed.contains(new Attempt(t.getKey(), number)),
                            "transfer " + t.getKey() + " try " + number + " is applied, but the application saw it fail");
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
