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
import java.util.Collections;
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
    private static final long PROGRESS_TIMEOUT_MS = 60_000;
    private static final int COMMITS_AFTER_HEAL = 20;

    private final Settings settings;
    private final PgCluster cluster;
    private final Findings findings = new Findings();
    private final Ledger ledger = new Ledger();
    private final List<FaultRecord> faults = new ArrayList<>();
    private final AtomicBoolean stopping = new AtomicBoolean();
    private volatile String currentFault = "warming up";

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

    /** One fault as it happened: what, when, and how long until transfers committed again. */
    record FaultRecord(int index, FaultKind kind, String event, long startedMs, long longestPauseMs, long backToWorkMs) {
    }

    public BankRun(PgCluster cluster, Settings settings) {
        this.cluster = cluster;
        this.settings = settings;
    }

    static String applicationName(BankDatabase db) {
        return "bank-" + db.name();
    }

    public BankReport run() throws Exception {
        long started = System.nanoTime();
        Random random = new Random(settings.seed());
        byte[] secret = new byte[12];
        new SecureRandom().nextBytes(secret); // not generateSeed: that may block on the entropy pool
        String password = HexFormat.of().formatHex(secret);
        cluster.execute(cluster.writer(), "postgres", "DROP ROLE IF EXISTS " + APP_ROLE,
                "CREATE ROLE " + APP_ROLE + " LOGIN PASSWORD '" + password + "'");
        List<BankDatabase> databases = List.of(new BankDatabase("bank_a", settings.accounts(), 1_000),
                new BankDatabase("bank_b", settings.accounts(), 1_000));
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
            Thread progress = startProgress(started);
            try (Auditor auditor = new Auditor(cluster, databases, findings)) {
                awaitCommits(50, "the first transfers");
                runFaults(new FaultKind.Scene(cluster, secrets, random), random, auditor, started);
                stopping.set(true);
                for (Thread t : tellers) {
                    t.join(TimeUnit.SECONDS.toMillis(150));
                }
                currentFault = "final audit";
                auditor.finalAudit(ledger);
                progress.interrupt();
                return new BankReport(settings, faults, findings, ledger, auditor.unreadable(),
                        TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started));
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

    private void runFaults(FaultKind.Scene scene, Random random, Auditor auditor, long started) throws Exception {
        List<FaultKind> plan = new ArrayList<>();
        for (FaultKind kind : settings.kinds()) {
            for (int i = 0; i < settings.faultsPerKind(); i++) {
                plan.add(kind);
            }
        }
        Collections.shuffle(plan, random);
        for (int i = 0; i < plan.size(); i++) {
            FaultKind kind = plan.get(i);
            Thread.sleep(1_000 + random.nextInt(2_000)); // steady load between faults, its length seeded too
            currentFault = (i + 1) + "/" + plan.size() + " " + kind.description();
            long faultStart = System.nanoTime();
            ledger.takeLongestPauseNanos();
            String event = kind.inject(scene);
            long injected = System.nanoTime();
            long back = awaitCommitAfter(injected);
            faults.add(new FaultRecord(i + 1, kind, event, TimeUnit.NANOSECONDS.toMillis(faultStart - started),
                    TimeUnit.NANOSECONDS.toMillis(ledger.takeLongestPauseNanos()),
                    back < 0 ? -1 : TimeUnit.NANOSECONDS.toMillis(back - injected)));
            cluster.restoreHealth();
            awaitCommits(COMMITS_AFTER_HEAL, "after " + currentFault);
            auditor.afterFault(currentFault);
        }
    }

    /** When the first transfer after {@code since} committed, or -1 if none did in time (a violation). */
    private long awaitCommitAfter(long since) throws InterruptedException {
        long deadline = since + TimeUnit.MILLISECONDS.toNanos(PROGRESS_TIMEOUT_MS);
        while (System.nanoTime() < deadline) {
            long last = System.nanoTime() - ledger.nanosSinceLastCommit();
            if (last > since) {
                return last;
            }
            Thread.sleep(10);
        }
        findings.violated(Invariant.PROGRESS, "no commit within " + PROGRESS_TIMEOUT_MS + " ms of " + currentFault);
        return -1;
    }

    private void awaitCommits(int count, String when) throws InterruptedException {
        long target = ledger.completed() + count;
        long deadline = System.currentTimeMillis() + PROGRESS_TIMEOUT_MS;
        while (ledger.completed() < target && System.currentTimeMillis() < deadline) {
            Thread.sleep(20);
        }
        findings.check(Invariant.PROGRESS, ledger.completed() >= target,
                "fewer than " + count + " transfers within " + PROGRESS_TIMEOUT_MS + " ms " + when);
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

    private Thread startProgress(long started) {
        Thread t = new Thread(() -> {
            PrintStream out = settings.progress();
            long previous = 0;
            while (out != null && !Thread.currentThread().isInterrupted()) {
                long done = ledger.completed();
                out.printf("\r[%4d s] %,8d transfers (%,5d/s), %,5d errors | fault %-60s",
                        TimeUnit.NANOSECONDS.toSeconds(System.nanoTime() - started), done, done - previous,
                        ledger.errorCount(), currentFault);
                out.flush();
                previous = done;
                try {
                    Thread.sleep(1_000);
                } catch (InterruptedException e) {
                    break;
                }
            }
            if (out != null) {
                out.println();
            }
        }, "bank-progress");
        t.setDaemon(true);
        t.start();
        return t;
    }

    private HikariDataSource pool(BankDatabase db, LocalSecretsManager secrets) {
        HikariConfig config = new HikariConfig();
        config.setPoolName(applicationName(db));
        config.setJdbcUrl("jdbc:aws-wrapper:postgresql://" + cluster.clusterEndpoint().host() + ":"
                + cluster.clusterEndpoint().port() + "/" + db.name()
                + "?plugins=failover,hostMonitoring,secretsManager"
                + "&secretId=" + encode(SECRET) + "&region=" + REGION
                + "&secretsManagerEndpoint=" + encode(secrets.endpoint().toString())
                + "&secretsCacheTtlS=5" // so that the Secrets Manager outage meets logins that need the secret
                + "&clusterInstanceHostPattern=" + encode(cluster.instanceHostPattern())
                + "&failoverTimeoutMs=30000&connectTimeout=3&socketTimeout=30"
                + "&ApplicationName=" + applicationName(db));
        config.setMaximumPoolSize(10);
        config.setMinimumIdle(2);
        config.setConnectionTimeout(10_000);
        config.setValidationTimeout(3_000);
        return new HikariDataSource(config);
    }

    private static String encode(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8);
    }
}
