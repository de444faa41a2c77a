package dev.awsjca.testkit.aws.secretsmanager;

import java.util.Objects;

/**
 * An error answer to one request. Messages follow AWS's wording and never contain a secret value,
 * a signature or a credential other than an access key id.
 */
public final class AwsServiceError extends Exception {

    private static final long serialVersionUID = 1L;

    private final AwsErrorType type;

    public AwsServiceError(AwsErrorType type, String message) {
        super(message, null, false, false);
        this.type = Objects.requireNonNull(type, "type");
    }

    public AwsErrorType type() {
        return type;
    }
}
