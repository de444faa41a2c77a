package dev.awsjca.plugins.aws;

import org.junit.jupiter.api.Test;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.regions.Region;

import java.sql.SQLException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Issue 12, defect 12: the SDK's region chain (which may ask instance metadata) is asked once, not per login. */
class DefaultRegionTest {

    private final AtomicLong now = new AtomicLong();
    private final AtomicInteger lookups = new AtomicInteger();

    @Test
    void aRegionFoundIsKept() throws SQLException {
        DefaultRegion region = new DefaultRegion(() -> {
            lookups.incrementAndGet();
            return Region.EU_WEST_1;
        }, now::get);
        for (int i = 0; i < 100; i++) {
            assertEquals(Region.EU_WEST_1, region.get("iamRegion"));
        }
        assertEquals(1, lookups.get());
    }

    @Test
    void aFailureIsRememberedForAMinuteThenAskedAgain() throws SQLException {
        DefaultRegion region = new DefaultRegion(() -> {
            if (lookups.incrementAndGet() == 1) {
                throw SdkClientException.create("Unable to load region from any of the providers in the chain");
            }
            return Region.US_EAST_1;
        }, now::get);
        for (int i = 0; i < 10; i++) {
            SQLException e = assertThrows(SQLException.class, () -> region.get("iamRegion"));
            assertTrue(e.getMessage().contains("'iamRegion'"), e.getMessage());
        }
        assertEquals(1, lookups.get(), "failed logins do not ask the chain again at once");
        now.addAndGet(TimeUnit.SECONDS.toNanos(61));
        assertEquals(Region.US_EAST_1, region.get("iamRegion"));
        assertEquals(2, lookups.get());
    }
}
