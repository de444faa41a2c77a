package dev.awsjca.it;

import dev.awsjca.it.heap.ServerHeap;

import java.net.URL;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * The class loaders of deployments that RedeployIT undeploys, watched through weak references by the probe
 * war's ClassLoadersServlet. A loader still reachable after the collector ran is explained by a heap dump
 * of the server (what holds it, from a GC root), put in the failure's message.
 */
final class UndeployedLoaders {

    private final URL probe;
    private final Map<String, List<Long>> undeployedAt = new HashMap<>(); // module -> System.nanoTime() of each undeploy, in watch order

    UndeployedLoaders(URL probe) {
        this.probe = probe;
    }

    /** Right after a deploy: watch the module's new class loader. */
    void watch(String module) throws Exception {
        int number = Integer.parseInt(Http.get(probe, "classloaders?op=watch&module=" + module));
        List<Long> times = undeployedAt.computeIfAbsent(module, m -> new ArrayList<>());
        while (times.size() < number) {
            times.add(Long.MAX_VALUE); // not undeployed yet
        }
    }

    /** Right after the module's undeploy. */
    void undeployed(String module) {
        List<Long> times = undeployedAt.get(module);
        times.set(times.size() - 1, System.nanoTime());
    }

    /**
     * Every request thread, and at least {@code atLeast} of them, runs one of the probe's requests at once
     * (see WorkersServlet): threads the pool has to start for it are started by the probe, not by an
     * application, and none of the others idles out (non-core request threads end after 60 s idle). Before
     * each load, so that the application's requests always find a thread waiting.
     */
    void occupyEveryRequestThread(int atLeast) throws Exception {
        int threads = Math.max(atLeast, Integer.parseInt(Http.get(probe, "workers?op=count")));
        String round = UUID.randomUUID().toString();
        ExecutorService clients = Executors.newFixedThreadPool(threads);
        try {
            List<Future<String>> answers = new ArrayList<>();
            for (int i = 0; i < threads; i++) {
                answers.add(clients.submit(() -> Http.get(probe, "workers?op=occupy&n=" + threads + "&round=" + round)));
            }
            Set<String> names = new HashSet<>();
            for (Future<String> answer : answers) {
                names.add(answer.get());
            }
            if (names.contains("timeout") || names.size() != threads) {
                throw new AssertionError("the server ran " + threads + " requests at once on " + names);
            }
        } finally {
            clients.shutdownNow();
        }
    }

    /** Asserts that no watched loader of the module is reachable after up to {@code waitMs} of System.gc(). */
    void assertNoneReachable(String module, long waitMs, String when) throws Exception {
        List<Integer> left = reachable(module, waitMs);
        if (!left.isEmpty()) {
            throw explained(module, left.size() + " undeployed class loader(s) of " + module + " (numbers " + left
                    + ") still reachable " + when + " after " + waitMs + " ms of System.gc()", when);
        }
    }

    /**
     * Asserts that every loader of the module undeployed more than {@code graceMs} ago is unreachable (one
     * second of System.gc()); answers how many younger ones still are.
     */
    int assertGoneAfter(String module, long graceMs, String when) throws Exception {
        List<Integer> left = reachable(module, 1_000);
        List<Long> times = undeployedAt.get(module);
        long now = System.nanoTime();
        List<Integer> old = left.stream().filter(n -> now - times.get(n - 1) > graceMs * 1_000_000).toList();
        if (!old.isEmpty()) {
            throw explained(module, old.size() + " class loader(s) of " + module + " (numbers " + old
                    + ") still reachable more than " + graceMs + " ms after their undeploy, " + when, when);
        }
        return left.size();
    }

    /** Milliseconds since the module's last undeploy. */
    long sinceLastUndeployMs(String module) {
        List<Long> times = undeployedAt.get(module);
        return (System.nanoTime() - times.get(times.size() - 1)) / 1_000_000;
    }

    private List<Integer> reachable(String module, long waitMs) throws Exception {
        String answer = Http.get(probe, "classloaders?op=reachable&waitMs=" + waitMs + "&module=" + module);
        List<Integer> numbers = new ArrayList<>();
        for (String n : answer.isEmpty() ? new String[0] : answer.split(",")) {
            numbers.add(Integer.parseInt(n));
        }
        return numbers;
    }

    private static AssertionError explained(String module, String message, String when) {
        Path dump = Path.of("target", "heap-dumps", "redeploy-" + module + "-" + when.replaceAll("[^A-Za-z0-9]+", "-") + ".hprof");
        return new AssertionError(message + ":\n" + String.join("\n", ServerHeap.explainLoaders(dump, module)));
    }
}
