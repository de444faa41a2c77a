package dev.awsjca.it.bank;

import dev.awsjca.reliability.bank.Auditor;
import dev.awsjca.reliability.bank.BankDatabase;
import dev.awsjca.reliability.bank.BankReport;
import dev.awsjca.reliability.bank.FaultKind;
import dev.awsjca.reliability.bank.FaultSchedule;
import dev.awsjca.reliability.bank.Findings;
import dev.awsjca.reliability.bank.Ledger;
import dev.awsjca.testkit.PgCluster;
import dev.awsjca.testkit.aws.secretsmanager.LocalSecretsManager;

import java.io.PrintStream;
import java.net.URI;
import java.util.List;
import java.util.Random;

/**
 * The bank under faults, WildFly variant: the tellers run in the server (one JTA transaction over the adapter's two
 * XA connection definitions per transfer), this JVM injects the faults into the testkit cluster and audits the
 * databases, with the same fault schedule, auditor and report as the Java SE variant.
 */
public final class WildFlyBankRun {

    /** How big and how long; the seed makes the order and timing of faults, and the tellers' transfers, repeatable. */
    public record Settings(int faultsPerKind, int tellers, long seed, PrintStream progress) {
    }

    private final PgCluster cluster;
    private final LocalSecretsManager secrets;
    private final List<BankDatabase> databases;
    private final URI application;
    private final Settings settings;

    public WildFlyBankRun(PgCluster cluster, LocalSecretsManager secrets, List<BankDatabase> databases, URI application,
                          Settings settings) {
        this.cluster = cluster;
        this.secrets = secrets;
        this.databases = databases;
        this.application = application;
        this.settings = settings;
    }

    public BankReport run() throws Exception {
        Findings findings = new Findings();
        RemoteTellers tellers = new RemoteTellers(application);
        FaultSchedule schedule = new FaultSchedule(new FaultKind.Scene(cluster, secrets, new Random(settings.seed())), tellers, findings);
        tellers.start(settings.tellers(), settings.seed(), databases.get(0).accounts());
        Thread progress = schedule.startProgressLine(settings.progress(), true);
        boolean stopped = false;
        try (Auditor auditor = new Auditor(cluster, databases, findings)) {
            schedule.awaitCommits(50, "the first transfers");
            List<FaultSchedule.FaultRecord> faults = schedule.run(List.of(FaultKind.values()), settings.faultsPerKind(),
                    auditor::afterFault);
            String stopping = tellers.stop();
            stopped = true;
            progress.interrupt();
            Ledger ledger = tellers.ledger(databases.stream().map(BankDatabase::name).toList());
            auditor.finalAudit(ledger);
            String title = String.format("Bank run (WildFly, XA: one JTA transaction across both databases per transfer):"
                    + " seed %d, %d tellers (%s), 2 databases x %d accounts", settings.seed(), settings.tellers(), stopping,
                    databases.get(0).accounts());
            return new BankReport(title, faults, findings, ledger, auditor.unreadable(), schedule.elapsedMs());
        } finally {
            progress.interrupt();
            if (!stopped) {
                tellers.stop(); // a run cut short leaves no teller writing while the server is undeployed
            }
        }
    }
}
