package dev.awsjca.reliability.bank;

import java.io.PrintStream;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;

/**
 * The faults of one bank run, whichever tellers it has: so many of each kind in a seeded random order, 1-3 s of
 * steady load before each, the cluster healed after each, then transfers must commit again before the run's own
 * checks. Records how long the application stood still, and prints a progress line while it runs.
 */
public final class FaultSchedule {

    private static final long PROGRESS_TIMEOUT_MS = 60_000;
    private static final int COMMITS_AFTER_HEAL = 20;

    private final FaultKind.Scene scene;
    private final Tally tally;
    private final Findings findings;
    private final long started = System.nanoTime();
    private final List<FaultRecord> records = new ArrayList<>();
    private volatile String current = "warming up";

    /** The checks a run makes once a fault has healed and transfers commit again. */
    @FunctionalInterface
    public interface AfterFault {
        void check(String fault) throws Exception;
    }

    /** One fault as it happened: what, when, and how long until transfers committed again. */
    public record FaultRecord(int index, FaultKind kind, String event, long startedMs, long longestPauseMs, long backToWorkMs) {
    }

    public FaultSchedule(FaultKind.Scene scene, Tally tally, Findings findings) {
        this.scene = scene;
        this.tally = tally;
        this.findings = findings;
    }

    /** Injects {@code perKind} faults of each kind, in an order drawn from the scene's (seeded) random. */
    public List<FaultRecord> run(List<FaultKind> kinds, int perKind, AfterFault afterFault) throws Exception {
        List<FaultKind> plan = new ArrayList<>();
        for (FaultKind kind : kinds) {
            for (int i = 0; i < perKind; i++) {
                plan.add(kind);
            }
        }
        Random random = scene.random();
        Collections.shuffle(plan, random);
        for (int i = 0; i < plan.size(); i++) {
            FaultKind kind = plan.get(i);
            Thread.sleep(1_000 + random.nextInt(2_000)); // steady load between faults, its length seeded too
            current = (i + 1) + "/" + plan.size() + " " + kind.description();
            long faultStart = System.nanoTime();
            tally.takeLongestPauseNanos();
            String event = kind.inject(scene);
            long injected = System.nanoTime();
            long back = awaitCommitAfter(injected);
            records.add(new FaultRecord(i + 1, kind, event, TimeUnit.NANOSECONDS.toMillis(faultStart - started),
                    TimeUnit.NANOSECONDS.toMillis(tally.takeLongestPauseNanos()),
                    back < 0 ? -1 : TimeUnit.NANOSECONDS.toMillis(back - injected)));
            scene.cluster().restoreHealth();
            awaitCommits(COMMITS_AFTER_HEAL, "after " + current);
            afterFault.check(current);
        }
        current = "final audit";
        return List.copyOf(records);
    }

    /** What the run is doing now, for the progress line. */
    public String current() {
        return current;
    }

    public long elapsedMs() {
        return TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started);
    }

    /** Waits until {@code count} more transfers are done; a violation of progress if they take over 60 s. */
    public void awaitCommits(int count, String when) throws InterruptedException {
        long target = tally.completed() + count;
        long deadline = System.currentTimeMillis() + PROGRESS_TIMEOUT_MS;
        while (tally.completed() < target && System.currentTimeMillis() < deadline) {
            Thread.sleep(20);
        }
        findings.check(Invariant.PROGRESS, tally.completed() >= target,
                "fewer than " + count + " transfers within " + PROGRESS_TIMEOUT_MS + " ms " + when);
    }

    /** When the first transfer after {@code since} committed, or -1 if none did in time (a violation). */
    private long awaitCommitAfter(long since) throws InterruptedException {
        long deadline = since + TimeUnit.MILLISECONDS.toNanos(PROGRESS_TIMEOUT_MS);
        while (System.nanoTime() < deadline) {
            long last = System.nanoTime() - tally.nanosSinceLastCommit();
            if (last > since) {
                return last;
            }
            Thread.sleep(10);
        }
        findings.violated(Invariant.PROGRESS, "no commit within " + PROGRESS_TIMEOUT_MS + " ms of " + current);
        return -1;
    }

    /**
     * A line a second on {@code out} (none when null), rewritten in place: transfers, their rate, errors, the fault
     * on now. With {@code asLines}, a new line every 10 s instead, for an output read line by line (the WildFly
     * variant's runs through Maven's test output, which shows nothing until a line ends).
     */
    public Thread startProgressLine(PrintStream out, boolean asLines) {
        long everyMs = asLines ? 10_000 : 1_000;
        Thread t = new Thread(() -> {
            long previous = 0;
            while (out != null && !Thread.currentThread().isInterrupted()) {
                long done = tally.completed();
                out.printf("%s[%4d s] %,8d transfers (%,5d/s), %,5d errors | fault %-60s%s", asLines ? "" : "\r",
                        elapsedMs() / 1000, done, (done - previous) * 1000 / everyMs, tally.errorCount(), current,
                        asLines ? "\n" : "");
                out.flush();
                previous = done;
                try {
                    Thread.sleep(everyMs);
                } catch (InterruptedException e) {
                    break;
                }
            }
            if (out != null && !asLines) {
                out.println();
            }
        }, "bank-progress");
        t.setDaemon(true);
        t.start();
        return t;
    }
}
