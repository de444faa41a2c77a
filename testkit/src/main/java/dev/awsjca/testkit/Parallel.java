package dev.awsjca.testkit;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.Consumer;

/** Work on every node at once (copy, start, stop): most of a cluster's start is waiting on processes. */
final class Parallel {

    /** Daemon threads, so they never keep a JVM alive. */
    static final ExecutorService WORKERS = Executors.newCachedThreadPool(r -> {
        Thread t = new Thread(r, "testkit-worker");
        t.setDaemon(true);
        return t;
    });

    private Parallel() {
    }

    /** Runs the action for each node in parallel and returns when all are done; rethrows the first failure. */
    static void forEach(List<PgNode> nodes, Consumer<PgNode> action) {
        if (nodes.size() == 1) {
            action.accept(nodes.get(0));
            return;
        }
        List<CompletableFuture<Void>> futures = new ArrayList<>();
        for (PgNode node : nodes) {
            futures.add(CompletableFuture.runAsync(() -> action.accept(node), WORKERS));
        }
        try {
            CompletableFuture.allOf(futures.toArray(CompletableFuture[]::new)).join();
        } catch (CompletionException e) {
            if (e.getCause() instanceof RuntimeException r) {
                throw r;
            }
            throw e;
        }
    }
}
