package dev.awsjca.reliability.bank;

import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;

/**
 * What the application believes: which tries the database acknowledged, which it saw fail for certain, which it
 * looked up. The audit holds the database to these beliefs; the tellers write them, from many threads.
 */
final class Ledger {

    private final Map<Long, Attempt> acknowledged = new ConcurrentHashMap<>();
    private final Map<Long, Attempt> foundByLookUp = new ConcurrentHashMap<>();
    private final Set<Attempt> failed = ConcurrentHashMap.newKeySet();
    private final Set<Long> abandoned = ConcurrentHashMap.newKeySet();
    private final Map<String, LongAdder> errors = new ConcurrentHashMap<>();
    private final Map<Long, BankDatabase> databases = new ConcurrentHashMap<>();
    private final AtomicLong lastCommitNanos = new AtomicLong(System.nanoTime());
    private final LongAdder done = new LongAdder();
    private final AtomicLong longestPauseNanos = new AtomicLong();

    void started(Transfer t) {
        databases.put(t.id(), t.database());
    }

    void acknowledged(Attempt a) {
        acknowledged.put(a.transferId(), a);
        long now = System.nanoTime();
        long previous = lastCommitNanos.getAndSet(now);
        longestPauseNanos.accumulateAndGet(now - previous, Math::max);
        done.increment();
    }

    /** A try whose outcome was open, and the look-up found it in the database. */
    void foundByLookUp(Attempt a) {
        foundByLookUp.put(a.transferId(), a);
        done.increment();
    }

    /** A try the application takes as not applied: the contract said so, or a look-up did not find it. */
    void failed(Attempt a) {
        failed.add(a);
    }

    /** A transfer given up after its deadline: the application would report it to a person. */
    void abandoned(long transferId) {
        abandoned.add(transferId);
    }

    void error(String where, String sqlState) {
        errors.computeIfAbsent(where + " " + (sqlState == null ? "(no SQLState)" : sqlState), k -> new LongAdder()).increment();
    }

    long completed() {
        return done.sum();
    }

    /** The longest time between two commits since the last call: how long the application stood still. */
    long takeLongestPauseNanos() {
        return Math.max(longestPauseNanos.getAndSet(0), nanosSinceLastCommit());
    }

    long nanosSinceLastCommit() {
        return System.nanoTime() - lastCommitNanos.get();
    }

    Map<Long, Attempt> acknowledged() {
        return acknowledged;
    }

    Map<Long, Attempt> foundByLookUp() {
        return foundByLookUp;
    }

    Set<Attempt> failed() {
        return failed;
    }

    Set<Long> abandoned() {
        return abandoned;
    }

    BankDatabase databaseOf(long transferId) {
        return databases.get(transferId);
    }

    /** Errors seen, by where (connect, transfer, look-up) and SQLState, sorted. */
    Map<String, Long> errors() {
        Map<String, Long> sorted = new TreeMap<>();
        errors.forEach((k, v) -> sorted.put(k, v.sum()));
        return sorted;
    }

    long errorCount() {
        return errors.values().stream().mapToLong(LongAdder::sum).sum();
    }
}
