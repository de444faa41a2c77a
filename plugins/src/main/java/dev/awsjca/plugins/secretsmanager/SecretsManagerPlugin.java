package dev.awsjca.plugins.secretsmanager;

import dev.awsjca.metrics.CredentialFetches;
import dev.awsjca.plugins.aws.ExpiringCache;
import dev.awsjca.jdbc.SqlFailures;
import dev.awsjca.pipeline.ConnectChain;
import dev.awsjca.pipeline.ConnectRequest;
import dev.awsjca.pipeline.ConnectionPlugin;
import dev.awsjca.pipeline.HostConnection;
import dev.awsjca.pipeline.JdbcMethod;
import dev.awsjca.pipeline.JdbcMethods;

import java.sql.SQLException;
import java.util.Set;
import java.util.concurrent.TimeUnit;

/**
 * Logs in with the username and password of a Secrets Manager secret, read once per cache period however
 * many connections open; when the database refuses them (rotated), the secret is read again once. While
 * Secrets Manager does not answer, the value read before is used.
 */
final class SecretsManagerPlugin implements ConnectionPlugin {

    record Key(String secretId, String region, String endpoint, String profile) {
    }

    /** How long a secret read before is used without asking again while Secrets Manager does not answer. */
    static final long RETRY_AFTER_MS = 5_000;
    private static final System.Logger LOG = System.getLogger(SecretsManagerPlugin.class.getName());

    private final ExpiringCache<Key, DatabaseSecret> cache;
    private final SecretsSettings settings;
    private final Key key;
    private final CredentialFetches fetches;

    SecretsManagerPlugin(ExpiringCache<Key, DatabaseSecret> cache, SecretsSettings settings, CredentialFetches fetches) {
        this.cache = cache;
        this.settings = settings;
        this.fetches = fetches;
        this.key = new Key(settings.secretId(), settings.region(), String.valueOf(settings.endpoint()), settings.profile());
    }

    @Override
    public Set<JdbcMethod> subscribedMethods() {
        return JdbcMethods.NONE;
    }

    @Override
    public HostConnection connect(ConnectRequest request, ConnectChain next) throws SQLException {
        ExpiringCache.Lookup<DatabaseSecret> secret = read();
        try {
            return next.connect(withLogin(request, secret.value()));
        } catch (SQLException e) {
            if (!SqlFailures.isAuthenticationFailure(e) || secret.fresh()) {
                throw e;
            }
            // rotated since it was read: read it again, once
            cache.forget(key, secret.value());
            return next.connect(withLogin(request, read().value()));
        }
    }

    private ExpiringCache.Lookup<DatabaseSecret> read() throws SQLException {
        try {
            // the fetch is bounded by the same time (the SDK's API call timeout): nobody waits much longer
            return cache.get(key, () -> new ExpiringCache.Expiring<>(SecretFetcher.fetch(settings),
                    System.nanoTime() + TimeUnit.SECONDS.toNanos(settings.ttlS())), settings.timeoutMs(),
                    "secret '" + settings.secretId() + "'", fetches);
        } catch (SQLException e) {
            return readBefore(e);
        }
    }

    /**
     * While Secrets Manager does not answer (5xx, throttling, a timeout, no network: 08001), logins go on with
     * the value read before, as the database has most likely not changed the password meanwhile; if it has, it
     * refuses the login, the value is forgotten, and the login fails with Secrets Manager's error. The endpoint
     * is asked again after {@link #RETRY_AFTER_MS}, not by every login. A secret never read, or one Secrets
     * Manager refuses (not found, access denied: 28000), is not reused.
     */
    private ExpiringCache.Lookup<DatabaseSecret> readBefore(SQLException failure) throws SQLException {
        DatabaseSecret before = SqlFailures.isConnectionFailure(failure) ? cache.lastKnown(key) : null;
        if (before == null) {
            throw failure;
        }
        cache.extend(key, before, System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(RETRY_AFTER_MS));
        LOG.log(System.Logger.Level.WARNING, "{0}; logging in with the value read before, and asking again in {1} ms",
                failure.getMessage(), RETRY_AFTER_MS);
        return new ExpiringCache.Lookup<>(before, false);
    }

    private static ConnectRequest withLogin(ConnectRequest request, DatabaseSecret secret) {
        ConnectRequest r = request.withProperty("user", secret.username()).withProperty("password", secret.password());
        // the URL decides the hosts (the topology moves them); the secret's database only when the URL names none
        return r.database().isEmpty() && secret.dbname() != null
                ? new ConnectRequest(r.hosts(), secret.dbname(), r.properties(), r.initial()) : r;
    }

}
