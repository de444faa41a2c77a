package dev.awsjca.plugins.aws;

import dev.awsjca.metrics.CredentialFetches;

import java.sql.SQLException;
import java.sql.SQLTransientConnectionException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Credentials by key, each kept until it expires. However many connections ask at once, one of them
 * fetches (mints a token, reads a secret) and the others wait for its result: no thundering herd. The
 * fetch runs outside any lock, and nobody waits longer than the bound the caller gives: a hanging
 * endpoint fails the logins that need it within that bound instead of queueing every later one behind it.
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
        private CompletableFuture<Expiring<V>> loading;

        Lookup<V> get(Loader<V> loader, long waitMillis, String what, CredentialFetches fetches) throws SQLException {
            CompletableFuture<Expiring<V>> pending;
            boolean mine = false;
            synchronized (this) {
                if (current != null && System.nanoTime() - current.expiresAtNanos() < 0) {
                    return new Lookup<>(current.value(), false);
                }
                if (loading == null) {
                    loading = new CompletableFuture<>();
                    mine = true;
                }
                pending = loading;
            }
            if (mine) {
                return new Lookup<>(load(loader, pending, fetches).value(), true);
            }
            return new Lookup<>(await(pending, waitMillis, what).value(), false);
        }

        private Expiring<V> load(Loader<V> loader, CompletableFuture<Expiring<V>> pending, CredentialFetches fetches)
                throws SQLException {
            try {
                Expiring<V> made = loader.load();
                fetches.succeeded();
                synchronized (this) {
                    current = made;
                    loading = null;
                }
                pending.complete(made);
                return made;
            } catch (SQLException | RuntimeException | Error e) {
                fetches.failed();
                synchronized (this) {
                    loading = null; // the next caller tries again
                }
                pending.completeExceptionally(e);
                throw e;
            }
        }

        private static <V> Expiring<V> await(CompletableFuture<Expiring<V>> pending, long waitMillis, String what)
                throws SQLException {
            try {
                return pending.get(waitMillis, TimeUnit.MILLISECONDS);
            } catch (TimeoutException e) {
                throw new SQLTransientConnectionException("Waited " + waitMillis + " ms for " + what
                        + ", which another login is fetching: not there yet", "08001");
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new SQLTransientConnectionException("Interrupted while waiting for " + what, "08001", e);
            } catch (ExecutionException e) {
                Throwable cause = e.getCause();
                if (cause instanceof SQLException sql) {
                    // the fetcher's failure, as a new exception of this thread (with the same state and message)
                    SQLException mine = new SQLException(sql.getMessage(), sql.getSQLState(), sql.getErrorCode(), sql);
                    throw mine;
                }
                throw new SQLTransientConnectionException("Could not fetch " + what, "08001", cause);
            }
        }

        synchronized void forget(V value) {
            if (current != null && current.value() == value) {
                current = null;
            }
        }

        synchronized V lastKnown() {
            return current == null ? null : current.value();
        }

        synchronized void extend(V value, long untilNanos) {
            if (current != null && current.value() == value) {
                current = new Expiring<>(value, untilNanos);
            }
        }
    }

    /**
     * The cached value, or a new one from the loader (run by this thread when nobody else is loading it;
     * else awaited for at most {@code waitMillis}).
     *
     * @param what what the value is, for the error when the wait ends ("secret 'x'")
     * @param fetches where each load counts (the metrics)
     */
    public Lookup<V> get(K key, Loader<V> loader, long waitMillis, String what, CredentialFetches fetches)
            throws SQLException {
        return slots.computeIfAbsent(key, k -> new Slot<>()).get(loader, waitMillis, what, fetches);
    }

    /**
     * The last value made for {@code key}, even an expired one; null when none was made, or it was refused
     * ({@link #forget}) since. For a caller whose fetch failed and who may do with an older value.
     */
    public V lastKnown(K key) {
        Slot<V> slot = slots.get(key);
        return slot == null ? null : slot.lastKnown();
    }

    /** Keeps {@code value} in use until {@code untilNanos} (no fetch before then), unless it was replaced or refused. */
    public void extend(K key, V value, long untilNanos) {
        Slot<V> slot = slots.get(key);
        if (slot != null) {
            slot.extend(value, untilNanos);
        }
    }

    /** The value was refused (an authentication failure): the next get makes a new one, unless already done. */
    public void forget(K key, V value) {
        Slot<V> slot = slots.get(key);
        if (slot != null) {
            slot.forget(value);
        }
    }
}
