package dev.awsjca.wildflyapp;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/** What the application saw during the demo, in words, from the workload's records. */
final class DemoReport {

    private DemoReport() {
    }

    /** What each kind of failure means for the application, by the adapter's contract (docs/FAILOVER.md, "What to do on each SQLState"). */
    static String meaning(String kind) {
        int open = kind.indexOf('(');
        if (open > 0 && kind.endsWith(")")) {
            String outer = meaning(kind.substring(0, open));
            String inner = meaning(kind.substring(open + 1, kind.length() - 1));
            return outer + (inner.isEmpty() ? "" : (outer.isEmpty() ? "" : "; ") + "cause: " + inner);
        }
        return switch (kind) {
            case "08007" -> "failed over mid-transaction (TransactionStateUnknown): from a statement, the transaction was lost and rolled back;"
                    + " from a commit, whether it committed is unknown";
            case "08S02" -> "failover succeeded and the statement provably did not run: run it again";
            case "08001" -> "no connection could be made (no writer within failoverTimeoutMs, or the server refused)";
            case "08003" -> "the connection or statement was closed";
            case "08006" -> "the connection broke (a pgjdbc I/O error that reached the application as is)";
            case "40000", "40001", "40P01" -> "the transaction was rolled back by the database";
            case "XA_RBCOMMFAIL" -> "XA: the branch rolled back because its connection failed";
            case "XA_RBROLLBACK" -> "XA: the branch was rolled back";
            case "XAER_RMFAIL" -> "XA: the resource manager became unavailable";
            case "XAER_RMERR" -> "XA: the resource manager failed";
            case "XAER_NOTA" -> "XA: the resource manager did not know the transaction";
            case "RollbackException" -> "the transaction manager rolled the transaction back instead of committing it";
            case "HeuristicRollbackException" -> "the transaction manager says the work was rolled back (heuristically)";
            case "HeuristicMixedException" -> "commit outcome unknown to the application: part or all of the work may have committed";
            case "SystemException" -> "the transaction manager reported an unexpected error; the commit outcome is unknown";
            case "ResourceException" -> "the pool could not give a connection";
            default -> "";
        };
    }

    static String write(OrdersWorkload w, long crashAt, String oldWriter, List<String> stuck) {
        StringBuilder s = new StringBuilder();
        long end = w.stoppedAt() == 0 ? System.currentTimeMillis() : w.stoppedAt();
        long base = crashAt > 0 ? crashAt : w.startedAt;
        String from = crashAt > 0 ? "the crash" : "the start";
        s.append(String.format(Locale.ROOT, "The application (%d workers, %.1f s): %d orders committed, %d failed attempts%n",
                w.activeWorkersAtStart(), (end - w.startedAt) / 1000.0, w.committed.sum(), w.failedAttempts.sum()));

        s.append("  commits by node (instance id the INSERT returned):\n");
        new TreeMap<>(w.byNode).forEach((node, n) -> s.append(String.format(Locale.ROOT,
                "    %-4s %6d   first %s, last %s (times from %s)%n", node, n.count.sum(),
                rel(n.first.get(), base), rel(n.last.get(), base), from)));

        Map<String, Long> counts = w.failureCounts();
        if (counts.isEmpty()) {
            s.append("  failures: none\n");
        } else {
            s.append("  failures by stage and kind:\n");
            counts.forEach((k, v) -> {
                String kind = k.substring(k.indexOf(' ') + 1);
                String m = meaning(kind);
                s.append(String.format(Locale.ROOT, "    %-28s x%-5d %s%n", k, v, m));
            });
            List<OrdersWorkload.Failure> list = new ArrayList<>(w.failures);
            list.sort((a, b) -> Long.compare(a.at(), b.at()));
            int shown = Math.min(list.size(), 40);
            s.append(String.format(Locale.ROOT, "  each failure (time from %s; worker-order, attempt, stage: what the application caught):%n", from));
            for (int i = 0; i < shown; i++) {
                OrdersWorkload.Failure f = list.get(i);
                s.append(String.format(Locale.ROOT, "    %s  %d-%d #%d %s: %s%n", rel(f.at(), base), f.worker(), f.seq(), f.attempt(),
                        f.stage(), f.description()));
            }
            long more = w.failedAttempts.sum() - shown;
            if (more > 0) {
                s.append("    ... and ").append(more).append(" more\n");
            }
        }

        if (crashAt > 0) {
            long firstNew = Long.MAX_VALUE;
            String newNode = null;
            for (Map.Entry<String, OrdersWorkload.NodeCommits> e : w.byNode.entrySet()) {
                if (e.getKey().equals(oldWriter)) {
                    continue;
                }
                for (long t : e.getValue().times) {
                    if (t >= crashAt && t < firstNew) {
                        firstNew = t;
                        newNode = e.getKey();
                    }
                }
            }
            OrdersWorkload.NodeCommits old = w.byNode.get(oldWriter);
            if (old != null) {
                s.append(String.format(Locale.ROOT, "  last commit on the old writer %s: %s%n", oldWriter, rel(old.last.get(), crashAt)));
            }
            if (newNode == null) {
                s.append("  crash -> first commit on a new writer: none before the workload stopped\n");
            } else {
                s.append(String.format(Locale.ROOT, "  crash -> first commit on the new writer %s: %.3f s%n", newNode, (firstNew - crashAt) / 1000.0));
            }
        }
        long[] gap = longestGap(w, end);
        s.append(String.format(Locale.ROOT, "  longest time without any commit: %.3f s (%s to %s)%n", (gap[1] - gap[0]) / 1000.0,
                rel(gap[0], base), rel(gap[1], base)));
        s.append(String.format(Locale.ROOT, "  commits whose outcome the exception left open: %d; the application looked its order up:"
                + " %d had committed, %d had not (placed again)%s%n", w.unknownOutcomes.sum(), w.unknownFoundCommitted.sum(),
                w.unknownFoundAbsent.sum(), w.lookupFailures.sum() == 0 ? "" : "; " + w.lookupFailures.sum() + " look-ups failed and were repeated"));
        s.append("  orders given up at the end after a failed attempt (not committed as far as the application knows): ")
                .append(w.abandonedKeys.size()).append('\n');
        s.append("  workers still busy when the demo stopped them: ").append(stuck.isEmpty() ? "none" : String.join(", ", stuck)).append('\n');
        return s.toString();
    }

    /** The longest stretch between two commits (or the start / the end and a commit). */
    static long[] longestGap(OrdersWorkload w, long end) {
        List<Long> all = new ArrayList<>();
        w.byNode.values().forEach(n -> all.addAll(n.times));
        all.add(w.startedAt);
        all.add(end);
        Collections.sort(all);
        long[] best = {w.startedAt, w.startedAt};
        for (int i = 1; i < all.size(); i++) {
            if (all.get(i) - all.get(i - 1) > best[1] - best[0]) {
                best = new long[] {all.get(i - 1), all.get(i)};
            }
        }
        return best;
    }

    private static String rel(long t, long base) {
        if (t == Long.MAX_VALUE || t == 0) {
            return "-";
        }
        return String.format(Locale.ROOT, "%+.3f s", (t - base) / 1000.0);
    }
}
