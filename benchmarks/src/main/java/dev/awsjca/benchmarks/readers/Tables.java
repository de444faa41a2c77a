package dev.awsjca.benchmarks.readers;

import dev.awsjca.testkit.PgCluster;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Collectors;

/** The markdown tables that go to docs/PERFORMANCE.md as they are printed. */
final class Tables {

    static final double MAX_READER_SHARE = 55.0;
    static final double MAX_SLOW_READER_SHARE = 10.0;
    static final long CRASH_GOAL_MS = 500;

    private Tables() {
    }

    /**
     * @param slowInstance the reader at +20 ms in the fastestResponse row (its row is judged by that reader's
     *                     share), null for the rows judged by the largest reader share
     */
    record SpreadRow(ReadSpread.Result result, String slowInstance) {
    }

    static void spread(PgCluster cluster, List<SpreadRow> rows) {
        String writer = cluster.writer().instanceId();
        List<String> readers = cluster.replicas().stream().map(n -> n.instanceId()).sorted().toList();
        StringBuilder head = new StringBuilder("| strategy | reads |");
        StringBuilder rule = new StringBuilder("|---|---|");
        for (String r : readers) {
            head.append(' ').append(cluster.node(r).name()).append(" (reader) |");
            rule.append("---|");
        }
        head.append(' ').append(cluster.node(writer).name()).append(" (writer) | logical connections per reader | failed reads | took | goal |");
        rule.append("---|---|---|---|---|");
        System.out.println(head);
        System.out.println(rule);
        for (SpreadRow row : rows) {
            ReadSpread.Result r = row.result();
            StringBuilder line = new StringBuilder("| " + r.label() + " | " + r.reads() + " |");
            for (String reader : readers) {
                line.append(String.format(" %d (%.1f%%) |", r.readsByInstance().getOrDefault(reader, 0), r.share(reader)));
            }
            line.append(String.format(" %d (%.1f%%) |", r.readsByInstance().getOrDefault(writer, 0), r.share(writer)));
            line.append(' ').append(readers.stream().map(x -> cluster.node(x).name() + " " + r.connectionsByInstance().getOrDefault(x, 0))
                    .collect(Collectors.joining(", ")));
            if (r.moved() > 0) {
                line.append(" (").append(r.moved()).append(" moved during the run)");
            }
            line.append(" | ").append(r.errors().isEmpty() ? "0" : r.errors().toString()).append(" | ").append(r.millis()).append(" ms | ");
            if (row.slowInstance() == null) {
                double largest = readers.stream().mapToDouble(r::share).max().orElse(0);
                line.append(String.format("largest reader share %.1f%% %s %.0f%%: %s", largest, largest <= MAX_READER_SHARE ? "<=" : ">",
                        MAX_READER_SHARE, largest <= MAX_READER_SHARE ? "met" : "NOT met"));
            } else {
                double slow = r.share(row.slowInstance());
                line.append(String.format("slow reader's share %.1f%% %s %.0f%%: %s", slow, slow < MAX_SLOW_READER_SHARE ? "<" : ">=",
                        MAX_SLOW_READER_SHARE, slow < MAX_SLOW_READER_SHARE ? "met" : "NOT met"));
            }
            System.out.println(line.append(" |"));
        }
    }

    /** @param blackholeGoalMs the longest a blackholed reader may hold reads with the detection settings used */
    static void loss(List<ReaderLoss.Run> runs, long blackholeGoalMs) {
        System.out.println("| fault | runs | next successful read: min | median | max | first failed read (SQLState x runs)"
                + " | failed reads per run | next read answered by | connection reopened | lost reader back in the adapter's view | goal |");
        System.out.println("|---|---|---|---|---|---|---|---|---|---|---|");
        Map<ReaderLoss.Fault, List<ReaderLoss.Run>> byFault = new TreeMap<>();
        for (ReaderLoss.Run run : runs) {
            byFault.computeIfAbsent(run.fault(), f -> new ArrayList<>()).add(run);
        }
        byFault.forEach((fault, list) -> {
            List<Long> ms = new ArrayList<>();
            for (ReaderLoss.Run run : list) {
                if (run.outage().resumed()) {
                    ms.add(run.outage().millis());
                }
            }
            Collections.sort(ms);
            int unrecovered = list.size() - ms.size();
            long goal = fault == ReaderLoss.Fault.CRASH ? CRASH_GOAL_MS : blackholeGoalMs;
            boolean met = unrecovered == 0 && ms.get(ms.size() - 1) < goal;
            System.out.printf("| %s | %d%s | %s | %s | %s | %s | %s | %s | %s | %s | < %d ms: %s |%n", fault.label(), list.size(),
                    unrecovered == 0 ? "" : " (" + unrecovered + " never recovered)", ms.isEmpty() ? "-" : ms.get(0) + " ms",
                    ms.isEmpty() ? "-" : median(ms) + " ms", ms.isEmpty() ? "-" : ms.get(ms.size() - 1) + " ms",
                    counted(list, run -> run.outage().firstSqlState()),
                    list.stream().map(run -> String.valueOf(run.outage().failedReads())).collect(Collectors.joining(", ")),
                    counted(list, run -> run.outage().resumed() ? role(run, run.outage().resumedOn()) : "none"),
                    list.stream().mapToInt(run -> run.outage().reopenedConnections()).sum() + " times",
                    counted(list, run -> run.back().complete() ? "yes" : "not within 20 s"),
                    goal, met ? "met" : "NOT met");
        });
    }

    /** Each distinct value with the number of runs that had it, e.g. {@code 08S02 x5}. */
    private static String counted(List<ReaderLoss.Run> runs, java.util.function.Function<ReaderLoss.Run, String> value) {
        Map<String, Long> counts = runs.stream().collect(Collectors.groupingBy(value, TreeMap::new, Collectors.counting()));
        return counts.entrySet().stream().map(e -> e.getKey() + " x" + e.getValue()).collect(Collectors.joining(", "));
    }

    private static String role(ReaderLoss.Run run, String instance) {
        return instance.equals(run.writerInstance()) ? "the writer" : "the other reader";
    }

    private static String median(List<Long> sorted) {
        int n = sorted.size();
        return n % 2 == 1 ? String.valueOf(sorted.get(n / 2)) : String.valueOf((sorted.get(n / 2 - 1) + sorted.get(n / 2)) / 2);
    }
}
