package dev.awsjca.plugins.iam;

import dev.awsjca.metrics.CredentialFetches;
import dev.awsjca.plugins.aws.AwsCredentials;
import dev.awsjca.plugins.aws.ExpiringCache;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.rds.RdsUtilities;

import java.sql.SQLException;
import java.sql.SQLInvalidAuthorizationSpecException;
import java.util.concurrent.TimeUnit;

/**
 * RDS IAM auth tokens, minted by the AWS SDK (offline: a SigV4 presigned URL) and cached per host, port,
 * user and region for the token's lifetime less a safety margin.
 */
final class IamTokens {

    /** A token is retired this long before RDS would refuse it, so a login never races its expiry. */
    static final long SAFETY_MARGIN_S = 60;

    record Key(String host, int port, String user, String region, String profile) {
    }

    private final ExpiringCache<Key, String> cache = new ExpiringCache<>();

    ExpiringCache.Lookup<String> token(Key key, long lifetimeS, CredentialFetches fetches) throws SQLException {
        return cache.get(key, () -> {
            long usable = Math.max(1, lifetimeS - Math.min(SAFETY_MARGIN_S, lifetimeS / 4));
            return new ExpiringCache.Expiring<>(mint(key), System.nanoTime() + TimeUnit.SECONDS.toNanos(usable));
        }, fetches);
    }

    void refused(Key key, String token) {
        cache.forget(key, token);
    }

    private static String mint(Key key) throws SQLException {
        try (AwsCredentials.Session credentials = AwsCredentials.open(key.profile())) {
            return RdsUtilities.builder().region(Region.of(key.region())).credentialsProvider(credentials.provider()).build()
                    .generateAuthenticationToken(b -> b.hostname(key.host()).port(key.port()).username(key.user()));
        } catch (RuntimeException e) {
            // the SDK's message names what is missing (no credentials found, bad profile); it holds no secret
            throw new SQLInvalidAuthorizationSpecException("No IAM token for user " + key.user() + " at " + key.host() + ":"
                    + key.port() + ": " + e.getMessage(), "28000", e);
        }
    }
}
