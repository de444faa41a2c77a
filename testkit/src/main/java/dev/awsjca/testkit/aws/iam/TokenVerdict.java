package dev.awsjca.testkit.aws.iam;

import java.time.Instant;
import java.util.Objects;

/**
 * The result of one token check: the outcome, a human explanation without any token material, and
 * what the token claimed (endpoint and signing time) when it could be parsed, else null.
 */
public record TokenVerdict(TokenCheck check, String detail, RdsEndpoint signedFor, Instant signedAt) {

    public TokenVerdict {
        Objects.requireNonNull(check, "check");
        Objects.requireNonNull(detail, "detail");
    }

    public boolean accepted() {
        return check == TokenCheck.ACCEPTED;
    }
}
