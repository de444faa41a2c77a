package dev.awsjca.reliability.bank;

import java.util.List;
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
public final class Ledger implements Tally {

    private final Map<Long, Attempt> acknowledged = new ConcurrentHashMap<>();
    private final Map<Long, Attempt> foundByLookUp = new ConcurrentHashMap<>();
    private final Set<Attempt> failed = ConcurrentHashMap.newKeySet();
    private final Set<Long> abandoned = ConcurrentHashMap.newKeySet();
    private final Map<String, LongAdder> errors = new ConcurrentHashMap<>();
    private final Map<String, String> examples = new ConcurrentHashMap<>();
    private final Map<Long, List<String>> databases = new ConcurrentHashMap<>();
    private final AtomicLong lastCommitNanos = new AtomicLong(System.nanoTime());
    private final LongAdder done = new LongAdder();
    private final AtomicLong longestPauseNanos = new AtomicLong();

    /** A transfer begins; {@code databases} are those it writes to, all or none of them. */
    public void started(long transferId, List<String> databases) {
        this.databases.put(transferId, databases);
    }

    public void acknowledged(Attempt a) {
        acknowledged.put(a.transferId(), a);
        long now = System.nanoTime();
        long previous = lastCommitNanos.getAndSet(now);
        longestPauseNanos.accumulateAndGet(now - previous, Math::max);
        done.increment();
    }

    /** A try whose outcome was open, and the look-up found it in the database. */
    public void foundByLookUp(Attempt a) {
        foundByLookUp.put(a.transferId(), a);
        done.increment();
    }

    /** A try the application takes as not applied: the contract said so, or a look-up did not find it. */
    public void failed(Attempt a) {
        failed.add(a);
    }

    /** A transfer given up after its deadline: the application would report it to a person. */
    public void abandoned(long transferId) {
        abandoned.add(transferId);
    }

    public void error(String where, String sqlState) {
        errors(where + " " + (sqlState == null ? "(no SQLState)" : sqlState), 1);
    }

    /** An error, and its message as the first example of its kind (messages of the adapter name no secret). */
    public void error(String where, String sqlState, String message) {
        String key = where + " " + (sqlState == null ? "(no SQLState)" : sqlState);
        errors(key, 1);
        if (message != null) {
            examples.putIfAbsent(key, message.length() > 600 ? message.substring(0, 600) + "..." : message);
        }
    }

    /** The first message seen of each kind of error, for the report. */
    @Override
    public Map<String, String> errorExamples() {
        return new TreeMap<>(examples);
    }

    /** A first example read back from another JVM. */
    public void errorExample(String whereAndWhat, String message) {
        examples.putIfAbsent(whereAndWhat, message);
    }

    /** {@code count} errors under one key of {@link #errors()}: a ledger read back from another JVM. */
    public void errors(String whereAndWhat, long count) {
        errors.computeIfAbsent(whereAndWhat, k -> new LongAdder()).add(count);
    }

    @Override
    public long completed() {
        return done.sum();
    }

    @Override
    public long acknowledgedCount() {
        return acknowledged.size();
    }

    @Override
    public long foundByLookUpCount() {
        return foundByLookUp.size();
    }

    @Override
    public long failedCount() {
        return failed.size();
    }

    @Override
    public long abandonedCount() {
        return abandoned.size();
    }

    @Override
    public long takeLongestPauseNanos() {
        return Math.max(longestPauseNanos.getAndSet(0), nanosSinceLastCommit());
    }

    @Override
    public long nanosSinceLastCommit() {
        return System.nanoTime() - lastCommitNanos.get();
    }

    public Map<Long, Attempt> acknowledged() {
        return acknowledged;
    }

    public Map<Long, Attempt> foundByLookUp() {
        return foundByLookUp;
    }

    public Set<Attempt> failed() {
        return failed;
    }

    public Set<Long> abandoned() {
        return abandoned;
    }

    /** The databases a transfer writes to (empty for one this ledger never saw begin). */
    public List<String> databasesOf(long transferId) {
        return databases.getOrDefault(transferId, List.of());
    }

    @Override
    public Map<String, Long> errors() {
        Map<String, Long> sorted = new TreeMap<>();
        errors.forEach((k, v) -> sorted.put(k, v.sum()));
        return sorted;
    }
}
