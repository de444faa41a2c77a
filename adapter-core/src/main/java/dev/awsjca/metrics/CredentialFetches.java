package dev.awsjca.metrics;

import java.util.concurrent.atomic.AtomicLong;

/**
 * The fetches of one credentials plugin ({@code iam}: a token minted; {@code secretsManager}: a secret
 * read) for one connection definition. Counts only: what was fetched never reaches a metric.
 */
public final class CredentialFetches {

    private final DefinitionMetrics definition;
    private final String plugin;
    private final AtomicLong succeeded = new AtomicLong();
    private final AtomicLong failed = new AtomicLong();

    CredentialFetches(DefinitionMetrics definition, String plugin) {
        this.definition = definition;
        this.plugin = plugin;
    }

    public void succeeded() {
        succeeded.incrementAndGet();
        definition.sink().credentialFetch(definition, plugin, true);
    }

    public void failed() {
        failed.incrementAndGet();
        definition.sink().credentialFetch(definition, plugin, false);
    }

    String plugin() {
        return plugin;
    }

    long succeededCount() {
        return succeeded.get();
    }

    long failedCount() {
        return failed.get();
    }
}
