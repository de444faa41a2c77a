package dev.awsjca.benchmarks.credentials;

import dev.awsjca.testkit.PgCluster;
import dev.awsjca.testkit.PgNode;
import dev.awsjca.testkit.aws.AwsTestCredentials;
import dev.awsjca.testkit.aws.iam.IamTokenLdapServer;
import dev.awsjca.testkit.aws.secretsmanager.LocalSecretsManager;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * What the credentials plugins add to a connect: a password login vs an IAM token login vs a Secrets
 * Manager login (all over TLS, through the wrapper), first connect (mint/fetch) and warm (cached), and a
 * storm of 200 concurrent connects with the number of mints and fetches. Against the testkit: PostgreSQL
 * checks IAM tokens through its LDAP verifier, secrets come from the local Secrets Manager endpoint.
 *
 * <p>Run: {@code java -cp ... dev.awsjca.benchmarks.credentials.CredentialsScenario [connects]}
 */
public final class CredentialsScenario {

    private static final String REGION = "us-east-1";
    private static final AwsTestCredentials AWS = AwsTestCredentials.of("AKIDBENCHMARK0001", "benchmark-secret-key");

    private CredentialsScenario() {
    }

    public static void main(String[] args) throws Exception {
        int connects = args.length > 0 ? Integer.parseInt(args[0]) : 200;
        try (IamTokenLdapServer ldap = IamTokenLdapServer.builder().region(REGION).credentials(AWS).start();
             LocalSecretsManager secrets = LocalSecretsManager.builder().region(REGION).credentials(AWS).start();
             AwsTestCredentials.InstalledCredentials sdk = AWS.installAsSystemProperties()) {
            PgCluster cluster = PgCluster.builder().replicas(0)
                    .hbaRules(List.of(ldap.pgHbaLine("hostssl", "all", "bench_iam", "127.0.0.0/8", ""),
                            ldap.pgHbaLine("hostssl", "all", "bench_storm", "127.0.0.0/8", ""))).start();
            try (cluster) {
                ldap.acceptEndpointsOf(cluster);
                cluster.execute(cluster.writer(), "postgres", "CREATE ROLE bench_iam LOGIN", "CREATE ROLE bench_storm LOGIN",
                        "CREATE ROLE bench_pw LOGIN PASSWORD 'bench-Pa55'");
                secrets.putSecretJson("bench/db", Map.of("username", "bench_pw", "password", "bench-Pa55"));
                secrets.putSecretJson("bench/storm", Map.of("username", "bench_pw", "password", "bench-Pa55"));
                PgNode w = cluster.writer();
                String base = "jdbc:aws-wrapper:postgresql://" + w.host() + ":" + w.port() + "/postgres?sslmode=require";
                String password = base + "&plugins=";
                String iam = base + "&plugins=iam&iamRegion=" + REGION;
                String sm = base + "&plugins=secretsManager&secretId=bench/db&region=" + REGION + "&secretsManagerEndpoint="
                        + URLEncoder.encode(secrets.endpoint().toString(), StandardCharsets.UTF_8);

                mintTimes(w.host(), w.port());
                System.out.printf("%nconnect latency through the wrapper, TLS, %d sequential connects each (ms)%n", connects);
                System.out.printf("%-16s %8s %8s %8s %8s%n", "login", "first", "p50", "p95", "mean");
                report("password", login(password, "bench_pw", "bench-Pa55"), connects);
                report("iam", login(iam, "bench_iam", null), connects);
                report("secretsManager", login(sm, null, null), connects);

                // a storm on keys nobody used yet: every connect starts with an empty cache entry
                int tokensBefore = ldap.binds().distinctTokensAccepted();
                storm(iam, "bench_storm", connects);
                storm(sm.replace("bench/db", "bench/storm"), null, connects);
                System.out.printf("%nstorm of %d concurrent connects (32 threads) on cold keys: iam minted %d token(s),"
                                + " secretsManager made %d fetch(es)%n", connects, ldap.binds().distinctTokensAccepted() - tokensBefore,
                        secrets.calls().getSecretValue("bench/storm"));
            }
        }
    }

    /**
     * What minting costs, done as the iam plugin does it (a credentials provider from the SDK's default
     * chain and RdsUtilities, both made per mint): the first mint of the JVM, then the mean of 1000.
     */
    private static void mintTimes(String host, int port) {
        long t = System.nanoTime();
        mint(host, port);
        long first = System.nanoTime() - t;
        int n = 1000;
        t = System.nanoTime();
        for (int i = 0; i < n; i++) {
            mint(host, port);
        }
        System.out.printf("IAM token mint: first %.1f ms, then %.3f ms each (mean of %d)%n", first / 1e6,
                (System.nanoTime() - t) / 1e6 / n, n);
    }

    private static String mint(String host, int port) {
        try (software.amazon.awssdk.auth.credentials.DefaultCredentialsProvider credentials =
                     software.amazon.awssdk.auth.credentials.DefaultCredentialsProvider.builder().build()) {
            return software.amazon.awssdk.services.rds.RdsUtilities.builder()
                    .region(software.amazon.awssdk.regions.Region.of(REGION)).credentialsProvider(credentials).build()
                    .generateAuthenticationToken(b -> b.hostname(host).port(port).username("bench_iam"));
        }
    }

    interface Login {
        Connection open() throws SQLException;
    }

    private static Login login(String url, String user, String password) {
        return () -> {
            Properties p = new Properties();
            if (user != null) {
                p.setProperty("user", user);
            }
            if (password != null) {
                p.setProperty("password", password);
            }
            return DriverManager.getConnection(url, p);
        };
    }

    private static void report(String name, Login login, int n) throws SQLException {
        long[] ms = new long[n];
        for (int i = 0; i < n; i++) {
            long t = System.nanoTime();
            login.open().close();
            ms[i] = System.nanoTime() - t;
        }
        long first = ms[0];
        long[] warm = Arrays.copyOfRange(ms, 1, n);
        Arrays.sort(warm);
        System.out.printf("%-16s %8.2f %8.2f %8.2f %8.2f%n", name, first / 1e6, warm[warm.length / 2] / 1e6,
                warm[(int) (warm.length * 0.95)] / 1e6, Arrays.stream(warm).average().orElse(0) / 1e6);
    }

    private static void storm(String url, String user, int n) throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(32);
        try {
            List<Future<?>> all = new ArrayList<>();
            for (int i = 0; i < n; i++) {
                all.add(pool.submit(() -> {
                    login(url, user, null).open().close();
                    return null;
                }));
            }
            for (Future<?> f : all) {
                f.get();
            }
        } finally {
            pool.shutdownNow();
        }
    }
}
