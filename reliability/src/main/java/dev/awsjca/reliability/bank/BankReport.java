package dev.awsjca.reliability.bank;

import java.util.List;
import java.util.Map;

/** What a bank run did and whether every invariant held: a table a person reads, and a verdict a test asserts. */
public record BankReport(String title, List<FaultSchedule.FaultRecord> faults, Findings findings, Tally tally,
                         long unreadableTotals, long durationMs) {

    public boolean passed() {
        return findings.allHold();
    }

    public int faultCount() {
        return faults.size();
    }

    public String render() {
        StringBuilder out = new StringBuilder();
        out.append(String.format("%s, %d faults, %.1f s%n", title, faults.size(), durationMs / 1000.0));
        out.append(String.format("Transfers: %,d done (%,d acknowledged, %,d found by a look-up after an open outcome),"
                        + " %,d tries failed and were run again, %,d abandoned%n",
                tally.completed(), tally.acknowledgedCount(), tally.foundByLookUpCount(), tally.failedCount(),
                tally.abandonedCount()));
        out.append("Errors the application saw (where, SQLState: count):");
        Map<String, Long> errors = tally.errors();
        if (errors.isEmpty()) {
            out.append(" none");
        }
        Map<String, String> examples = tally.errorExamples();
        errors.forEach((k, v) -> {
            out.append(String.format("%n  %-28s %,d", k, v));
            if (examples.containsKey(k)) {
                out.append(String.format("%n      e.g. %s", examples.get(k).replace('\n', ' ')));
            }
        });
        out.append(String.format("%nTotals unreadable while a writer was down: %,d reads%n%n", unreadableTotals));
        out.append("Per fault: the longest time without any commit while it was on, and the first commit after the"
                + " fault was injected (after the promotion, for the kinds that promote).\n\n");
        out.append("| # | at (s) | fault | longest pause in commits (ms) | first commit after injection (ms) | event |\n"
                + "|---|---|---|---|---|---|\n");
        for (FaultSchedule.FaultRecord f : faults) {
            out.append(String.format("| %d | %.1f | %s | %,d | %s | %s |%n", f.index(), f.startedMs() / 1000.0,
                    f.kind().description(), f.longestPauseMs(),
                    f.backToWorkMs() < 0 ? "none in 60 s" : String.format("%,d", f.backToWorkMs()),
                    f.event().replace('|', '/')));
        }
        out.append("\n| invariant | checks | violations | verdict |\n|---|---|---|---|\n");
        for (Invariant i : Invariant.values()) {
            long v = findings.violations(i);
            if (findings.checks(i) == 0 && v == 0) {
                continue; // not an invariant of this variant (one database per transfer has nothing to keep atomic)
            }
            out.append(String.format("| %s | %,d | %,d | %s |%n", i.meaning(), findings.checks(i), v, v == 0 ? "PASS" : "FAIL"));
        }
        for (Invariant i : Invariant.values()) {
            for (String example : findings.examples(i)) {
                out.append("  ").append(i.name()).append(": ").append(example).append('\n');
            }
        }
        out.append(passed() ? "\nVERDICT: PASS, every invariant held\n" : "\nVERDICT: FAIL\n");
        return out.toString();
    }
}
