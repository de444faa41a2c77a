package dev.awsjca.it.bank;

import dev.awsjca.reliability.bank.Attempt;
import dev.awsjca.reliability.bank.Ledger;
import dev.awsjca.reliability.bank.Tally;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * The tellers running in the server, seen from the test: started and stopped over HTTP, their progress read as a
 * {@link Tally} (what the fault schedule watches), their ledger copied here at the end for the audit.
 */
public final class RemoteTellers implements Tally {

    private static final long STATUS_FRESH_MS = 20;

    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();
    private final URI base;
    private Map<String, Long> status = Map.of();
    private long statusReadAt;
    private long statusReadAtNanos;

    /** @param base the application's root, e.g. {@code http://127.0.0.1:8280/bank/} */
    public RemoteTellers(URI base) {
        this.base = base;
    }

    public void start(int tellers, long seed, int accounts) throws IOException, InterruptedException {
        call("POST", "bank/start?tellers=" + tellers + "&seed=" + seed + "&accounts=" + accounts);
    }

    /** Stops the tellers, each after its transfer in hand (up to 150 s); says how many did not stop. */
    public String stop() throws IOException, InterruptedException {
        return call("POST", "bank/stop").trim();
    }

    /** The application's conclusions, read back into a ledger; every transfer writes to both databases. */
    public Ledger ledger(List<String> databases) throws IOException, InterruptedException {
        Ledger ledger = new Ledger();
        for (String line : call("GET", "bank/ledger").split("\\R")) {
            String[] w = line.strip().split(" ", 3);
            switch (w[0]) {
                case "acknowledged" -> ledger.acknowledged(begun(ledger, databases, w));
                case "found" -> ledger.foundByLookUp(begun(ledger, databases, w));
                case "failed" -> ledger.failed(begun(ledger, databases, w));
                case "abandoned" -> {
                    ledger.started(Long.parseLong(w[1]), databases);
                    ledger.abandoned(Long.parseLong(w[1]));
                }
                case "error" -> {
                    String[] keyAndExample = w[2].split("\t", 2);
                    ledger.errors(keyAndExample[0], Long.parseLong(w[1]));
                    if (keyAndExample.length == 2) {
                        ledger.errorExample(keyAndExample[0], keyAndExample[1]);
                    }
                }
                case "" -> { }
                default -> throw new IllegalStateException("unexpected line in the ledger: " + line);
            }
        }
        return ledger;
    }

    private static Attempt begun(Ledger ledger, List<String> databases, String[] w) {
        long id = Long.parseLong(w[1]);
        ledger.started(id, databases);
        return new Attempt(id, Integer.parseInt(w[2]));
    }

    @Override
    public long completed() {
        return status("completed");
    }

    @Override
    public long nanosSinceLastCommit() {
        long since = status("sinceLastCommitMs");
        // as of the moment the status was read
        return TimeUnit.MILLISECONDS.toNanos(since) + (System.nanoTime() - statusReadAtNanos);
    }

    @Override
    public long takeLongestPauseNanos() {
        try {
            return TimeUnit.MILLISECONDS.toNanos(Long.parseLong(call("GET", "bank/longest-pause").trim()));
        } catch (IOException e) {
            throw new IllegalStateException("the bank application did not answer", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    @Override
    public long errorCount() {
        return status("errors");
    }

    /** Only for the progress line while running: the final counts come from {@link #ledger}. */
    @Override
    public long acknowledgedCount() {
        return completed();
    }

    @Override
    public long foundByLookUpCount() {
        return 0;
    }

    @Override
    public long failedCount() {
        return 0;
    }

    @Override
    public long abandonedCount() {
        return 0;
    }

    @Override
    public Map<String, Long> errors() {
        return Map.of("all", errorCount());
    }

    private synchronized long status(String key) {
        if (System.currentTimeMillis() - statusReadAt > STATUS_FRESH_MS) {
            try {
                Map<String, Long> read = new HashMap<>();
                for (String pair : call("GET", "bank/status").trim().split(" ")) {
                    String[] kv = pair.split("=", 2);
                    read.put(kv[0], Long.parseLong(kv[1]));
                }
                status = read;
                statusReadAt = System.currentTimeMillis();
                statusReadAtNanos = System.nanoTime();
            } catch (IOException e) {
                throw new IllegalStateException("the bank application did not answer", e);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(e);
            }
        }
        return status.getOrDefault(key, 0L);
    }

    private String call(String method, String path) throws IOException, InterruptedException {
        HttpRequest request = HttpRequest.newBuilder(base.resolve(path)).timeout(Duration.ofSeconds(200))
                .method(method, HttpRequest.BodyPublishers.noBody()).build();
        HttpResponse<String> r = http.send(request, HttpResponse.BodyHandlers.ofString());
        if (r.statusCode() != 200) {
            throw new IOException("HTTP " + r.statusCode() + " from " + path + ":\n" + r.body());
        }
        return r.body();
    }
}
