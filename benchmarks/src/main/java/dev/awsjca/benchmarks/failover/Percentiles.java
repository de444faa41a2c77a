package dev.awsjca.benchmarks.failover;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/** Nearest-rank percentiles of a small sample of milliseconds. */
final class Percentiles {

    private final List<Double> sorted;

    Percentiles(List<Double> values) {
        this.sorted = new ArrayList<>(values);
        Collections.sort(sorted);
    }

    int count() {
        return sorted.size();
    }

    /** The p-th percentile (0 < p <= 100), nearest rank; NaN for no values. */
    double at(double p) {
        if (sorted.isEmpty()) {
            return Double.NaN;
        }
        int rank = (int) Math.ceil(p / 100.0 * sorted.size());
        return sorted.get(Math.max(0, Math.min(sorted.size() - 1, rank - 1)));
    }

    double max() {
        return sorted.isEmpty() ? Double.NaN : sorted.get(sorted.size() - 1);
    }

    double min() {
        return sorted.isEmpty() ? Double.NaN : sorted.get(0);
    }
}
