package dev.awsjca.reliability.bank;

import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLongArray;

/** Each invariant's checks and violations, from the auditor's threads and the run's. */
public final class Findings {

    private static final int KEPT_PER_INVARIANT = 20;

    private final Map<Invariant, List<String>> violations = new EnumMap<>(Invariant.class);
    private final AtomicLongArray checks = new AtomicLongArray(Invariant.values().length);
    private final AtomicLongArray violationCounts = new AtomicLongArray(Invariant.values().length);

    public void checked(Invariant invariant) {
        checks.incrementAndGet(invariant.ordinal());
    }

    public synchronized void violated(Invariant invariant, String what) {
        violationCounts.incrementAndGet(invariant.ordinal());
        List<String> kept = violations.computeIfAbsent(invariant, k -> new ArrayList<>());
        if (kept.size() < KEPT_PER_INVARIANT) {
            kept.add(what);
        }
    }

    /** Checks it, counting the check, and records a violation when {@code holds} is false. */
    public void check(Invariant invariant, boolean holds, String whatIfNot) {
        checked(invariant);
        if (!holds) {
            violated(invariant, whatIfNot);
        }
    }

    public long checks(Invariant invariant) {
        return checks.get(invariant.ordinal());
    }

    public long violations(Invariant invariant) {
        return violationCounts.get(invariant.ordinal());
    }

    public synchronized List<String> examples(Invariant invariant) {
        return List.copyOf(violations.getOrDefault(invariant, List.of()));
    }

    public boolean allHold() {
        for (Invariant i : Invariant.values()) {
            if (violations(i) > 0) {
                return false;
            }
        }
        return true;
    }
}
