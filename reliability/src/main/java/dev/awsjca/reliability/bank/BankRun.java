package dev.awsjca.reliability.bank;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import dev.awsjca.testkit.PgCluster;
import dev.awsjca.testkit.aws.AwsTestCredentials;
import dev.awsjca.testkit.aws.secretsmanager.LocalSecretsManager;

import java.io.PrintStream;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * The bank under faults, Java SE variant: tellers move money through HikariCP pools over the wrapper driver
 * (failover, hostMonitoring, secretsManager), while faults of every kind hit the cluster in a seeded random order.
 * The auditor checks the invariants continuously, after each fault and at the end.
 */
public final class BankRun {

    private static final String REGION = "eu-west-1";
    private static final AwsTestCredentials AWS = AwsTestCredentials.of("AKIDBANKRUN000001", "bank-run-secret-key");
    private static final String APP_ROLE = "bank_app";
    private static final String SECRET = "bank/app";
    private static final int POOL_SIZE = 10;

    private final Settings settings;
    private final PgCluster cluster;
    private final Findings findings = new Findings();
    private final Ledger ledger = new Ledger();
    private final AtomicBoolean stopping = new AtomicBoolean();

    /** How big and how long a run is; the seed makes the order and timing of faults repeatable. */
    public record Settings(int faultsPerKind, int tellers, int accounts, long seed, List<FaultKind> kinds, PrintStream progress) {

        public static Settings of(int faultsPerKind, long seed) {
            return new Settings(faultsPerKind, 16, 20, seed, List.of(FaultKind.values()), null);
        }

        public Settings withProgress(PrintStream out) {
            return new Settings(faultsPerKind, tellers, accounts, seed, kinds, out);
        }

        public Settings withTellers(int n) {
            return new Settings(faultsPerKind, n, accounts, seed, kinds, progress);
        }
    }

    public BankRun(PgCluster cluster, Settings settings) {
        this.cluster = cluster;
        this.settings = settings;
    }

    public BankReport run() throws Exception {
        Random random = new Random(settings.seed());
        byte[] secret = new byte[12];
        new SecureRandom().nextBytes(secret); // not generateSeed: that may block on the entropy pool
        String password = HexFormat.of().formatHex(secret);
        cluster.execute(cluster.writer(), "postgres", "DROP ROLE IF EXISTS " + APP_ROLE,
                "CREATE ROLE " + APP_ROLE + " LOGIN PASSWORD '" + password + "'");
        List<BankDatabase> databases = List.of(new BankDatabase("bank_a", settings.accounts(), 1_000, POOL_SIZE),
                new BankDatabase("bank_b", settings.accounts(), 1_000, POOL_SIZE));
        for (BankDatabase db : databases) {
            cluster.dropDatabase(db.name());
            db.create(cluster, APP_ROLE);
        }
        try (LocalSecretsManager secrets = LocalSecretsManager.builder().region(REGION).credentials(AWS).start();
             AutoCloseable sdk = AWS.installAsSystemProperties()) {
            secrets.putSecretJson(SECRET, Map.of("username", APP_ROLE, "password", password));
            for (BankDatabase db : databases) {
                db.usePool(pool(db, secrets));
            }
            List<Thread> tellers = startTellers(databases);
            FaultSchedule schedule = new FaultSchedule(new FaultKind.Scene(cluster, secrets, random), ledger, findings);
            Thread progress = schedule.startProgressLine(settings.progress(), false);
            try (Auditor auditor = new Auditor(cluster, databases, findings)) {
                schedule.awaitCommits(50, "the first transfers");
                List<FaultSchedule.FaultRecord> faults = schedule.run(settings.kinds(), settings.faultsPerKind(), auditor::afterFault);
                stopping.set(true);
                for (Thread t : tellers) {
                    t.join(TimeUnit.SECONDS.toMillis(150));
                }
                auditor.finalAudit(ledger);
                progress.interrupt();
                return new BankReport(title(), faults, findings, ledger, auditor.unreadable(), schedule.elapsedMs());
            } finally {
                stopping.set(true);
                progress.interrupt();
                databases.forEach(db -> {
                    if (db.pool() != null) {
                        db.pool().close();
                    }
                });
            }
        }
    }

    private List<Thread> startTellers(List<BankDatabase> databases) {
        List<Thread> threads = new ArrayList<>();
        for (int i = 1; i <= settings.tellers(); i++) {
            Thread t = new Thread(new Teller(i, databases, ledger, settings.seed() * 31 + i, stopping::get), "bank-teller-" + i);
            t.setDaemon(true);
            t.start();
            threads.add(t);
        }
        return threads;
    }

    private String title() {
        return String.format("Bank run (Java SE, HikariCP): seed %d, %d tellers, 2 databases x %d accounts",
                settings.seed(), settings.tellers(), settings.accounts());
    }

    private HikariDataSource pool(BankDatabase db, LocalSecretsManager secrets) {
        HikariConfig config = new HikariConfig();
        config.setPoolName(db.applicationName());
        config.setJdbcUrl("jdbc:aws-wrapper:postgresql://" + cluster.clusterEndpoint().host() + ":"
                + cluster.clusterEndpoint().port() + "/" + db.name()
                + "?plugins=failover,hostMonitoring,secretsManager"
                + "&secretId=" + encode(SECRET) + "&region=" + REGION
                + "&secretsManagerEndpoint=" + encode(secrets.endpoint().toString())
                + "&secretsCacheTtlS=5" // so that the Secrets Manager outage meets logins that need the secret
                + "&clusterInstanceHostPattern=" + encode(cluster.instanceHostPattern())
                + "&failoverTimeoutMs=30000&connectTimeout=3&socketTimeout=30"
                + "&ApplicationName=" + db.applicationName());
        config.setMaximumPoolSize(POOL_SIZE);
        config.setMinimumIdle(2);
        config.setConnectionTimeout(10_000);
        config.setValidationTimeout(3_000);
        return new HikariDataSource(config);
    }

    private static String encode(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8);
    }
}
