package dev.awsjca.benchmarks.readers;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.temporal.ChronoUnit;

/** What the figures were measured on: they mean little without the machine's size and how busy it was. */
final class Machine {

    private Machine() {
    }

    /** e.g. {@code 2026-12-07T00:20:00Z, 2 cores, load average 1.52 2.10 3.00}. */
    static String now() {
        return Instant.now().truncatedTo(ChronoUnit.SECONDS) + ", " + Runtime.getRuntime().availableProcessors()
                + " cores, load average " + loadAverage();
    }

    /** The 1, 5 and 15 minute load averages as the kernel reports them; other work shares this machine. */
    private static String loadAverage() {
        try {
            String[] fields = Files.readString(Path.of("/proc/loadavg")).trim().split("\\s+");
            return fields[0] + " " + fields[1] + " " + fields[2];
        } catch (IOException | RuntimeException e) {
            double one = java.lang.management.ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage();
            return one < 0 ? "unknown" : String.format("%.2f (1 min)", one);
        }
    }
}
