package dev.awsjca.testkit.aws.secretsmanager;

import java.util.List;
import java.util.Objects;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Predicate;

/**
 * What the local Secrets Manager was asked, for tests to assert on ("one fetch per TTL under a storm").
 * Every request is recorded, the refused ones too, so a test can tell a fetch from a retry of a
 * throttled one.
 */
public final class SecretsManagerCalls {

    public static final String GET_SECRET_VALUE = "GetSecretValue";
    public static final String PUT_SECRET_VALUE = "PutSecretValue";

    private final List<RecordedCall> calls = new CopyOnWriteArrayList<>();

    SecretsManagerCalls() {
    }

    void record(RecordedCall call) {
        calls.add(call);
    }

    /** Every request in arrival order. */
    public List<RecordedCall> all() {
        return List.copyOf(calls);
    }

    /** Requests of any outcome. */
    public int total() {
        return calls.size();
    }

    /** GetSecretValue requests for this secret (name or any ARN of it), whatever their outcome. */
    public int getSecretValue(String secretName) {
        return count(c -> GET_SECRET_VALUE.equals(c.operation()) && Objects.equals(secretName, c.secret()));
    }

    /** GetSecretValue requests for this secret that returned a value. */
    public int successfulGetSecretValue(String secretName) {
        return count(c -> GET_SECRET_VALUE.equals(c.operation()) && Objects.equals(secretName, c.secret())
                && c.succeeded());
    }

    /** Requests answered with this AWS error type (e.g. "ThrottlingException"). */
    public int withOutcome(String outcome) {
        return count(c -> outcome.equals(c.outcome()));
    }

    public int count(Predicate<RecordedCall> filter) {
        return (int) calls.stream().filter(filter).count();
    }

    public void reset() {
        calls.clear();
    }
}
