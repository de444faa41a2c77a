package dev.awsjca.testkit.aws;

import java.util.Objects;
import java.util.Optional;

/**
 * The static credentials the local AWS endpoints expect requests and tokens to be signed with.
 * Tests hand the same values to the SDK (as {@code StaticCredentialsProvider}) and to the endpoints.
 *
 * <p>{@link #toString()} names the access key id only: the secret and the session token never leave
 * this object in a log line or an assertion message.
 */
public final class AwsTestCredentials {

    private final String accessKeyId;
    private final String secretAccessKey;
    private final String sessionToken;

    private AwsTestCredentials(String accessKeyId, String secretAccessKey, String sessionToken) {
        this.accessKeyId = requireText(accessKeyId, "accessKeyId");
        this.secretAccessKey = requireText(secretAccessKey, "secretAccessKey");
        this.sessionToken = sessionToken;
    }

    /** Long-term credentials (an IAM user's access key). */
    public static AwsTestCredentials of(String accessKeyId, String secretAccessKey) {
        return new AwsTestCredentials(accessKeyId, secretAccessKey, null);
    }

    /** Temporary credentials: requests and tokens must then carry the session token too. */
    public static AwsTestCredentials withSessionToken(String accessKeyId, String secretAccessKey, String sessionToken) {
        return new AwsTestCredentials(accessKeyId, secretAccessKey, requireText(sessionToken, "sessionToken"));
    }

    /** A fixed pair for tests that do not care which values are used. */
    public static AwsTestCredentials testDefaults() {
        return of("AKIDAWSJCATESTKIT001", "awsjca-testkit-secret-key-not-a-real-one");
    }

    public String accessKeyId() {
        return accessKeyId;
    }

    public String secretAccessKey() {
        return secretAccessKey;
    }

    public Optional<String> sessionToken() {
        return Optional.ofNullable(sessionToken);
    }

    /**
     * Makes these the credentials of the AWS SDK's default provider chain in this JVM (its first source is
     * the {@code aws.accessKeyId}, {@code aws.secretAccessKey} and {@code aws.sessionToken} system
     * properties), for code that, like the adapter, takes credentials from the chain; closing the handle
     * puts back what was there. System properties are JVM-wide: do not run such tests in parallel.
     */
    public InstalledCredentials installAsSystemProperties() {
        return new InstalledCredentials(this);
    }

    /** The system properties set by {@link #installAsSystemProperties()}; close restores the old values. */
    public static final class InstalledCredentials implements AutoCloseable {
        static final String ACCESS_KEY_ID = "aws.accessKeyId";
        static final String SECRET_ACCESS_KEY = "aws.secretAccessKey";
        static final String SESSION_TOKEN = "aws.sessionToken";

        private final java.util.Map<String, String> previous = new java.util.HashMap<>();

        private InstalledCredentials(AwsTestCredentials credentials) {
            set(ACCESS_KEY_ID, credentials.accessKeyId);
            set(SECRET_ACCESS_KEY, credentials.secretAccessKey);
            set(SESSION_TOKEN, credentials.sessionToken);
        }

        private void set(String name, String value) {
            previous.put(name, System.getProperty(name));
            if (value == null) {
                System.clearProperty(name);
            } else {
                System.setProperty(name, value);
            }
        }

        @Override
        public void close() {
            previous.forEach((name, value) -> {
                if (value == null) {
                    System.clearProperty(name);
                } else {
                    System.setProperty(name, value);
                }
            });
        }

        @Override
        public String toString() {
            return "InstalledCredentials[" + System.getProperty(ACCESS_KEY_ID) + "]";
        }
    }

    private static String requireText(String value, String name) {
        Objects.requireNonNull(value, name);
        if (value.isBlank()) {
            throw new IllegalArgumentException(name + " must not be blank");
        }
        return value;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof AwsTestCredentials other
                && accessKeyId.equals(other.accessKeyId)
                && secretAccessKey.equals(other.secretAccessKey)
                && Objects.equals(sessionToken, other.sessionToken);
    }

    @Override
    public int hashCode() {
        return Objects.hash(accessKeyId, secretAccessKey, sessionToken);
    }

    @Override
    public String toString() {
        return "AwsTestCredentials[accessKeyId=" + accessKeyId + (sessionToken != null ? ", with session token" : "") + "]";
    }
}
