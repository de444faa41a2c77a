package dev.awsjca.reliability.bank;

import dev.awsjca.testkit.PgCluster;
import dev.awsjca.testkit.WithPgCluster;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The short bank run: two faults of every kind, every invariant held. The long one is scripts/bank.sh. */
@WithPgCluster(replicas = 2, shared = false)
@Timeout(value = 10, unit = TimeUnit.MINUTES)
class BankTest {

    private final PgCluster cluster;

    BankTest(PgCluster cluster) {
        this.cluster = cluster;
    }

    @Test
    void noCentLostOrMadeAcrossTwoFaultsOfEachKind() throws Exception {
        long seed = Long.getLong("bank.seed", System.currentTimeMillis() % 1_000_000);
        BankReport report = new BankRun(cluster, BankRun.Settings.of(2, seed)).run();
        System.out.println(report.render()); // in target/surefire-reports/*-output.txt
        assertEquals(2 * FaultKind.values().length, report.faultCount());
        assertTrue(report.tally().completed() > 100, "the bank did too little work to prove anything:\n" + report.render());
        assertTrue(report.passed(), report.render());
    }
}
