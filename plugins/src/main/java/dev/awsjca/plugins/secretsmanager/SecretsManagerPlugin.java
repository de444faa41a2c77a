package dev.awsjca.plugins.secretsmanager;

import dev.awsjca.metrics.CredentialFetches;
import dev.awsjca.plugins.aws.ExpiringCache;
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
 * many connections open; when the database refuses them (rotated), the secret is read again once.
 */
final class SecretsManagerPlugin implements ConnectionPlugin {

    record Key(String secretId, String region, String endpoint, String profile) {
    }

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
            if (!isAuthFailure(e) || secret.fresh()) {
                throw e;
            }
            // rotated since it was read: read it again, once
            cache.forget(key, secret.value());
            return next.connect(withLogin(request, read().value()));
        }
    }

    private ExpiringCache.Lookup<DatabaseSecret> read() throws SQLException {
        return cache.get(key, () -> new ExpiringCache.Expiring<>(SecretFetcher.fetch(settings),
                System.nanoTime() + TimeUnit.SECONDS.toNanos(settings.ttlS())), fetches);
    }

    private static ConnectRequest withLogin(ConnectRequest request, DatabaseSecret secret) {
        ConnectRequest r = request.withProperty("user", secret.username()).withProperty("password", secret.password());
        // the URL decides the hosts (the topology moves them); the secret's database only when the URL names none
        return r.database().isEmpty() && secret.dbname() != null
                ? new ConnectRequest(r.hosts(), secret.dbname(), r.properties(), r.initial()) : r;
    }

    private static boolean isAuthFailure(SQLException e) {
        return "28P01".equals(e.getSQLState()) || "28000".equals(e.getSQLState());
    }
}
