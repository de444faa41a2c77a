package dev.awsjca.benchmarks.detection;

import dev.awsjca.testkit.PgCluster;
import dev.awsjca.testkit.PgNode;

import javax.management.MBeanServer;
import javax.management.ObjectName;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.logging.Handler;
import java.util.logging.LogRecord;
import java.util.logging.Logger;

/**
 * False positives: a healthy writer under the load that made an earlier monitor declare it dead (issue 12,
 * defect 17): more CPU-bound statements than the machine has cores, a storm of new logins (slow on busy CPUs),
 * statements waiting seconds on a row lock, long sleeps, many connections with short statements, and
 * applications that come and go (their monitors start, and log in, while the CPUs are busy), all
 * through {@code plugins=failover,hostMonitoring}. No fault is injected, so every host declared dead, every
 * writer search, every failover and every aborted statement is a false positive. Run it with the defaults,
 * and with deliberately over-aggressive settings to see that it can tell the difference:
 *
 * <pre>
 * scripts/detection.sh soak 600
 * scripts/detection.sh soak 180 --settings 'failureDetectionIntervalMs=100&amp;failureDetectionCount=2'
 * </pre>
 *
 * Exits 1 when there was a false positive.
 */
public final class FalsePositiveSoak {

    private static final int SLEEPERS = 4;
    private static final int LOCK_WAITERS = 4;
    private static final int LOGIN_STORM = 6;
    private static final int CHATTY = 30;
    private static final long PROGRESS_EVERY_S = 30;

    private FalsePositiveSoak() {
    }

    public static void main(String[] args) throws Exception {
        long seconds = 180;
        String settings = "";
        int burners = 8;
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--settings" -> settings = args[++i];
                case "--burners" -> burners = Integer.parseInt(args[++i]);
                default -> seconds = Long.parseLong(args[i]);
            }
        }
        AdapterLog log = AdapterLog.listen();
        try (PgCluster cluster = PgCluster.builder().replicas(1).start()) {
            cluster.createDatabase("soak");
            cluster.createDatabase("soak_newcomer");
            cluster.execute(cluster.writer(), "soak", "CREATE TABLE soak_lock (id int PRIMARY KEY, n bigint)",
                    "INSERT INTO soak_lock VALUES (1, 0)");
            PgNode writer = cluster.writer();
            String url = "jdbc:aws-wrapper:postgresql://" + writer.host() + ":" + writer.port() + "/soak?plugins=failover,hostMonitoring"
                    + "&clusterInstanceHostPattern=" + URLEncoder.encode(cluster.instanceHostPattern(), StandardCharsets.UTF_8)
                    + (settings.isEmpty() ? "" : "&" + settings);
            System.out.printf("soak %d s, %d cores: %d long sleeps, %d CPU burners (10 s each), %d login storm threads, %d lock waiters,"
                            + " %d chatty connections, a wave of 4 newcomers every 15 s; settings: %s%n", seconds, Runtime.getRuntime().availableProcessors(), SLEEPERS, burners,
                    LOGIN_STORM, LOCK_WAITERS, CHATTY, settings.isEmpty() ? "the defaults" : settings);
            long start = System.nanoTime();
            SoakLoad load = new SoakLoad(url, cluster.jdbcUrl("soak"), cluster.superuser(), cluster.password(),
                    start + TimeUnit.SECONDS.toNanos(seconds));
            List<Thread> threads = new ArrayList<>();
            start(threads, "round trips", load.roundTripSampler());
            start(threads, "lock holder", load.lockHolder());
            start(threads, "newcomers", load.newcomers(url.replace("/soak?", "/soak_newcomer?") + "&monitorDisposalTimeMs=0"));
            for (int i = 0; i < burners; i++) {
                start(threads, "burner", load.repeat("CPU burn", SoakLoad.BURN));
            }
            for (int i = 0; i < SLEEPERS; i++) {
                start(threads, "sleeper", load.repeat("pg_sleep(5)", "SELECT pg_sleep(5)"));
            }
            for (int i = 0; i < LOCK_WAITERS; i++) {
                start(threads, "lock waiter", load.lockWaiter());
            }
            for (int i = 0; i < CHATTY; i++) {
                start(threads, "chatty", load.chatty());
            }
            for (int i = 0; i < LOGIN_STORM; i++) {
                start(threads, "login storm", load.loginStorm());
            }
            Clusters clusters = new Clusters();
            long nextProgress = start + TimeUnit.SECONDS.toNanos(PROGRESS_EVERY_S);
            while (threads.stream().anyMatch(Thread::isAlive)) {
                Thread.sleep(200);
                if (System.nanoTime() - nextProgress < 0) {
                    continue;
                }
                nextProgress = System.nanoTime() + TimeUnit.SECONDS.toNanos(PROGRESS_EVERY_S);
                System.out.printf("%4d s  load %s | logins %d (slowest %,d ms) | SELECT 1 on an open connection: slowest %,d ms"
                                + " | statements failed %d | hosts declared dead %d, writer searches %d, failovers %d%n",
                        TimeUnit.NANOSECONDS.toSeconds(System.nanoTime() - start), loadAverage(), load.logins.get(), load.takeSlowestLogin(),
                        load.takeSlowestSelectOne(), load.failed(), log.declaredDead(), searches(log, clusters), failovers(log, clusters));
            }
            for (Thread t : threads) {
                t.join();
            }
            report(load, log, clusters, seconds);
        }
    }

    private static void report(SoakLoad load, AdapterLog log, Clusters clusters, long seconds) {
        long detections = Math.max(log.declaredDead(), clusters.sum("Detections"));
        long failovers = failovers(log, clusters);
        long searches = searches(log, clusters);
        System.out.println();
        System.out.println("| what | count |");
        System.out.println("|---|---|");
        new TreeMap<>(load.completed).forEach((k, v) -> System.out.printf("| %s completed | %,d |%n", k, v.get()));
        System.out.printf("| slowest login (of %,d) | %,d ms |%n", load.logins.get(), load.slowestLoginOverall.get());
        System.out.printf("| slowest SELECT 1 on an open connection | %,d ms |%n", load.slowestSelectOneOverall.get());
        new TreeMap<>(load.failures).forEach((k, v) -> System.out.printf("| failed: %s | %,d |%n", k, v.get()));
        System.out.printf("| hosts declared dead | %d |%n| failovers | %d |%n| writer searches | %d |%n", detections, failovers, searches);
        long falsePositives = detections + failovers + searches;
        System.out.println();
        System.out.printf("%s: %d s with no fault injected, %d false positives (hosts declared dead + failovers + writer searches),"
                        + " %d statements failed%n",
                falsePositives == 0 ? "PASS" : "FALSE POSITIVES", seconds, falsePositives, load.failed());
        if (falsePositives > 0) {
            System.exit(1);
        }
    }

    // from the log as well as the MBeans: the newcomers' clusters, and their MBeans, are gone by the end
    private static long failovers(AdapterLog log, Clusters clusters) {
        return Math.max(log.failovers(), clusters.sum("FailoverCount"));
    }

    private static long searches(AdapterLog log, Clusters clusters) {
        return Math.max(log.searches(), clusters.sum("WriterSearches"));
    }

    private static void start(List<Thread> threads, String name, Runnable loop) {
        Thread t = new Thread(loop, name);
        t.start();
        threads.add(t);
    }

    private static String loadAverage() {
        try {
            return Files.readString(Path.of("/proc/loadavg")).split(" ")[0];
        } catch (IOException | RuntimeException e) {
            return "?";
        }
    }

    /** Sums an attribute over the adapter's cluster MBeans in this JVM; 0 when there is none. */
    private static final class Clusters {
        private final MBeanServer server = ManagementFactory.getPlatformMBeanServer();

        long sum(String attribute) {
            long sum = 0;
            try {
                for (ObjectName name : server.queryNames(new ObjectName("dev.awsjca:type=Cluster,*"), null)) {
                    sum += ((Number) server.getAttribute(name, attribute)).longValue();
                }
            } catch (Exception e) {
                return -1;
            }
            return sum;
        }
    }

    /**
     * Counts the host monitors' "declared dead", the cluster monitors' "looking for the writer" and the failover
     * plugin's "failover from" log records (the adapter logs through System.Logger, here JUL): also those of the
     * newcomers' monitors, whose MBeans are gone with them by the end.
     */
    private static final class AdapterLog extends Handler {
        private final AtomicLong declaredDead = new AtomicLong();
        private final AtomicLong searches = new AtomicLong();
        private final AtomicLong failovers = new AtomicLong();

        static AdapterLog listen() {
            AdapterLog handler = new AdapterLog();
            Logger.getLogger("").addHandler(handler);
            return handler;
        }

        long declaredDead() {
            return declaredDead.get();
        }

        long searches() {
            return searches.get();
        }

        long failovers() {
            return failovers.get();
        }

        @Override
        public void publish(LogRecord record) {
            if (record.getMessage() != null && record.getMessage().contains("declared dead:")) {
                declaredDead.incrementAndGet();
            }
            if (record.getMessage() != null && record.getMessage().contains("looking for the writer")) {
                searches.incrementAndGet();
            }
            if (record.getMessage() != null && record.getMessage().startsWith("failover from")) {
                failovers.incrementAndGet();
            }
        }

        @Override
        public void flush() {
        }

        @Override
        public void close() {
        }
    }
}
