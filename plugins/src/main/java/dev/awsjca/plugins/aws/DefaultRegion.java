package dev.awsjca.plugins.aws;

import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.regions.providers.DefaultAwsRegionProviderChain;

import java.sql.SQLException;
import java.sql.SQLInvalidAuthorizationSpecException;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;
import java.util.function.Supplier;

/**
 * The AWS SDK's default region (AWS_REGION, aws.region, the profile, instance metadata), looked up once:
 * the chain may ask the instance metadata service, which takes seconds when it does not answer, and a
 * login must not pay that each time. A region found is kept; a failure is remembered for a minute, so a
 * storm of logins without a region fails fast instead of asking again each.
 */
public final class DefaultRegion {

    static final long RETRY_AFTER_NANOS = TimeUnit.SECONDS.toNanos(60);

    private final Supplier<Region> chain;
    private final LongSupplier clock;
    private Region found;
    private RuntimeException failure;
    private long failedAt;

    public DefaultRegion() {
        this(() -> new DefaultAwsRegionProviderChain().getRegion(), System::nanoTime);
    }

    DefaultRegion(Supplier<Region> chain, LongSupplier clock) {
        this.chain = chain;
        this.clock = clock;
    }

    /** The region, or a clear error naming the property that would have avoided the lookup. */
    public synchronized Region get(String propertyToSet) throws SQLException {
        if (found != null) {
            return found;
        }
        if (failure == null || clock.getAsLong() - failedAt >= RETRY_AFTER_NANOS) {
            try {
                found = chain.get();
                failure = null;
                return found;
            } catch (RuntimeException e) {
                failure = e;
                failedAt = clock.getAsLong();
            }
        }
        throw new SQLInvalidAuthorizationSpecException("No AWS region: set property '" + propertyToSet
                + "' (or AWS_REGION)", "28000", failure);
    }
}
