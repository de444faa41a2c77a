package dev.awsjca.reliability.bank;

import dev.awsjca.testkit.PgCluster;

import java.util.concurrent.ThreadLocalRandom;

/**
 * {@code scripts/bank.sh}: the long bank run on a cluster of its own.
 * Options: {@code --faults N} of each kind (10), {@code --seed S} (random, printed), {@code --tellers N} (16).
 */
public final class BankMain {

    private BankMain() {
    }

    public static void main(String[] args) throws Exception {
        int faults = 10;
        int tellers = 16;
        long seed = ThreadLocalRandom.current().nextLong(1, 1_000_000);
        for (int i = 0; i < args.length; i++) {
            String value = i + 1 < args.length ? args[i + 1] : null;
            switch (args[i]) {
                case "--faults" -> faults = positive("--faults", value);
                case "--tellers" -> tellers = positive("--tellers", value);
                case "--seed" -> seed = Long.parseLong(require("--seed", value));
                case "--help", "-h" -> {
                    System.out.println("usage: scripts/bank.sh [--faults N per kind (10)] [--seed S] [--tellers N (16)]");
                    return;
                }
                default -> throw new IllegalArgumentException("unknown option " + args[i] + " (see --help)");
            }
            i++;
        }
        System.out.println("seed " + seed + " (run again with --seed " + seed + " for the same order and timing of faults)");
        BankRun.Settings settings = BankRun.Settings.of(faults, seed).withTellers(tellers).withProgress(System.out);
        BankReport report;
        try (PgCluster cluster = PgCluster.builder().replicas(2).start()) {
            report = new BankRun(cluster, settings).run();
        }
        System.out.println(report.render());
        System.exit(report.passed() ? 0 : 1);
    }

    private static String require(String option, String value) {
        if (value == null) {
            throw new IllegalArgumentException(option + " needs a value");
        }
        return value;
    }

    private static int positive(String option, String value) {
        int n = Integer.parseInt(require(option, value));
        if (n < 1) {
            throw new IllegalArgumentException(option + " must be at least 1, was " + n);
        }
        return n;
    }
}
