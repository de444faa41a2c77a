package dev.awsjca.testkit.aws.iam;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.awsjca.testkit.aws.AwsTestCredentials;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** Token lifetime rules, on a fixed clock, without LDAP in between. */
class IamTokenVerifierTest {

    private static final AwsTestCredentials CREDENTIALS = AwsTestCredentials.of("AKIDVERIFIER0001", "verifier-secret");
    private static final String REGION = "ap-southeast-2";
    private static final RdsEndpoint ENDPOINT = RdsEndpoint.of("db.example.internal", 5432);
    private static final Instant NOW = Instant.parse("2026-03-01T12:00:00Z");

    private final IamTokenVerifier verifier =
            new IamTokenVerifier(REGION, CREDENTIALS, Clock.fixed(NOW, ZoneOffset.UTC), Duration.ofMinutes(1));

    private TokenVerdict verify(Instant signedAt, Duration expires) {
        String token = SdkRdsTokens.tokenSignedAt(signedAt, expires, CREDENTIALS, REGION, ENDPOINT.host(), ENDPOINT.port(), "app");
        return verifier.verify(token, "app", Set.of(ENDPOINT));
    }

    @Test
    void validForItsLifetimePlusTheSkew() {
        assertEquals(TokenCheck.ACCEPTED, verify(NOW.minus(Duration.ofMinutes(15)), Duration.ofMinutes(15)).check());
        assertEquals(TokenCheck.ACCEPTED, verify(NOW.minus(Duration.ofSeconds(960)), Duration.ofMinutes(15)).check());
        assertEquals(TokenCheck.EXPIRED, verify(NOW.minus(Duration.ofSeconds(961)), Duration.ofMinutes(15)).check());
    }

    @Test
    void aShortExpiryIsHonoured() {
        assertEquals(TokenCheck.ACCEPTED, verify(NOW.minus(Duration.ofSeconds(100)), Duration.ofSeconds(60)).check());
        assertEquals(TokenCheck.EXPIRED, verify(NOW.minus(Duration.ofSeconds(121)), Duration.ofSeconds(60)).check());
    }

    @Test
    void rdsCapsTheLifetimeAtFifteenMinutes() {
        TokenVerdict verdict = verify(NOW.minus(Duration.ofMinutes(30)), Duration.ofHours(1));
        assertEquals(TokenCheck.EXPIRED, verdict.check());
        assertTrue(verdict.detail().contains("valid until 2026-03-01T11:45:00Z"), verdict.detail());
    }

    @Test
    void futureTokensBeyondTheSkewAreNotYetValid() {
        assertEquals(TokenCheck.ACCEPTED, verify(NOW.plusSeconds(60), Duration.ofMinutes(15)).check());
        assertEquals(TokenCheck.NOT_YET_VALID, verify(NOW.plusSeconds(61), Duration.ofMinutes(15)).check());
    }

    @Test
    void verdictsNameWhatTheTokenClaimed() {
        TokenVerdict verdict = verify(NOW.minusSeconds(30), Duration.ofMinutes(15));
        assertEquals(ENDPOINT, verdict.signedFor());
        assertEquals(NOW.minusSeconds(30), verdict.signedAt());
    }
}
