package dev.awsjca.plugins.aws;

import dev.awsjca.metrics.CredentialFetches;

import java.sql.SQLException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;

/**
 * Credentials by key, each kept until it expires. However many connections ask at once, one of them
 * fetches (mints a token, reads a secret) and the others wait for its result: no thundering herd.
 */
public final class ExpiringCache<K, V> {

    /** Makes a value and says until when (System.nanoTime()) it may be used. */
    @FunctionalInterface
    public interface Loader<V> {
        Expiring<V> load() throws SQLException;
    }

    /** A value and the nanoTime after which it is not used any more. */
    public record Expiring<V>(V value, long expiresAtNanos) {
    }

    /** A value the cache gave, and whether it was made for this very call (not reused). */
    public record Lookup<V>(V value, boolean fresh) {
    }

    private final ConcurrentMap<K, Slot<V>> slots = new ConcurrentHashMap<>();

    private static final class Slot<V> {
        private Expiring<V> current;

        synchronized Lookup<V> get(Loader<V> loader, CredentialFetches fetches) throws SQLException {
            if (current != null && System.nanoTime() - current.expiresAtNanos() < 0) {
                return new Lookup<>(current.value(), false);
            }
            try {
                current = loader.load(); // under the slot's lock: the others of this key wait here
            } catch (SQLException | RuntimeException e) {
                fetches.failed();
                throw e;
            }
            fetches.succeeded();
            return new Lookup<>(current.value(), true);
        }

        synchronized void forget(V value) {
            if (current != null && current.value() == value) {
                current = null;
            }
        }
    }

    /** The cached value, or a new one from {@code loader}; each load counts in {@code fetches} (the metrics). */
    public Lookup<V> get(K key, Loader<V> loader, CredentialFetches fetches) throws SQLException {
        return slots.computeIfAbsent(key, k -> new Slot<>()).get(loader, fetches);
    }

    /** The value was refused (an authentication failure): the next get makes a new one, unless already done. */
    public void forget(K key, V value) {
        Slot<V> slot = slots.get(key);
        if (slot != null) {
            slot.forget(value);
        }
    }
}
