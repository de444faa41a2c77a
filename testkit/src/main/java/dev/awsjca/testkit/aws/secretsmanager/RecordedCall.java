package dev.awsjca.testkit.aws.secretsmanager;

import java.time.Instant;

/**
 * One request the local Secrets Manager answered: when, which operation (from X-Amz-Target), for which
 * secret (its name when the secret exists, else the id as sent; null when the body named none), and
 * the outcome: "OK" or the AWS error type.
 */
public record RecordedCall(Instant at, String operation, String secret, String outcome) {

    public static final String OK = "OK";

    public boolean succeeded() {
        return OK.equals(outcome);
    }
}
