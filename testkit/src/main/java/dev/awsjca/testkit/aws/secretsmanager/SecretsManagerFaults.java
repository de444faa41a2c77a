package dev.awsjca.testkit.aws.secretsmanager;

import java.time.Duration;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Faults a test injects into the local Secrets Manager. They act on requests whose signature is valid
 * (as on AWS, where authentication comes before throttling and authorization), except the delay, which
 * holds every request before it is answered.
 *
 * <p>Note that the SDK retries throttling and 500 errors by itself (three attempts by default): to
 * see a ThrottlingException reach the caller, throttle at least as many calls as the client attempts,
 * or give the client a retry strategy that does not retry.
 */
public final class SecretsManagerFaults {

    private final AtomicInteger throttleRemaining = new AtomicInteger();
    private final AtomicInteger serverErrorRemaining = new AtomicInteger();
    private final AtomicBoolean denyAll = new AtomicBoolean();
    private final Set<String> deniedSecrets = ConcurrentHashMap.newKeySet();
    private final AtomicReference<Duration> delay = new AtomicReference<>(Duration.ZERO);

    SecretsManagerFaults() {
    }

    /** The next {@code calls} authenticated requests are answered with ThrottlingException ("Rate exceeded"). */
    public SecretsManagerFaults throttleNext(int calls) {
        requireNonNegative(calls);
        throttleRemaining.set(calls);
        return this;
    }

    /** The next {@code calls} authenticated requests are answered with InternalServiceError (HTTP 500). */
    public SecretsManagerFaults failNextWithServerError(int calls) {
        requireNonNegative(calls);
        serverErrorRemaining.set(calls);
        return this;
    }

    /** Requests for this secret (by name, or any ARN of it) get AccessDeniedException until allowed again. */
    public SecretsManagerFaults denyAccess(String secretName) {
        deniedSecrets.add(Objects.requireNonNull(secretName, "secretName"));
        return this;
    }

    public SecretsManagerFaults allowAccess(String secretName) {
        deniedSecrets.remove(secretName);
        return this;
    }

    /** Every authenticated request gets AccessDeniedException, as when the caller's policy lacks the action. */
    public SecretsManagerFaults denyAll(boolean deny) {
        denyAll.set(deny);
        return this;
    }

    /** Every request waits this long before it is answered (a slow or distant endpoint). */
    public SecretsManagerFaults delayResponses(Duration delay) {
        Objects.requireNonNull(delay, "delay");
        if (delay.isNegative()) {
            throw new IllegalArgumentException("delay must not be negative: " + delay);
        }
        this.delay.set(delay);
        return this;
    }

    /** Back to a healthy endpoint. */
    public void clear() {
        throttleRemaining.set(0);
        serverErrorRemaining.set(0);
        denyAll.set(false);
        deniedSecrets.clear();
        delay.set(Duration.ZERO);
    }

    Duration delay() {
        return delay.get();
    }

    /** The fault (if any) that answers this authenticated request instead of the operation; consumes a count. */
    Optional<AwsServiceError> faultFor(String operation, String secretName) {
        if (consume(throttleRemaining)) {
            return Optional.of(new AwsServiceError(AwsErrorType.THROTTLING, "Rate exceeded"));
        }
        if (consume(serverErrorRemaining)) {
            return Optional.of(new AwsServiceError(AwsErrorType.INTERNAL_SERVICE_ERROR,
                    "An error occurred on the server side."));
        }
        if (denyAll.get() || (secretName != null && deniedSecrets.contains(secretName))) {
            return Optional.of(new AwsServiceError(AwsErrorType.ACCESS_DENIED,
                    "User is not authorized to perform: secretsmanager:" + operation + " on resource: " + secretName
                            + " because no identity-based policy allows the secretsmanager:" + operation + " action"));
        }
        return Optional.empty();
    }

    private static boolean consume(AtomicInteger remaining) {
        return remaining.getAndUpdate(n -> n > 0 ? n - 1 : 0) > 0;
    }

    private static void requireNonNegative(int calls) {
        if (calls < 0) {
            throw new IllegalArgumentException("calls must not be negative: " + calls);
        }
    }
}
