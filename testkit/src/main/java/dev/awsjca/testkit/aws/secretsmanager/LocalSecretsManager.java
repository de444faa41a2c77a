package dev.awsjca.testkit.aws.secretsmanager;

import com.sun.net.httpserver.HttpServer;
import dev.awsjca.testkit.aws.AwsTestCredentials;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.System.Logger.Level;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A local stand-in for AWS Secrets Manager that the real SDK client talks to through
 * {@code endpointOverride(endpoint())}: awsJson1.1 over HTTP on a free loopback port, every request
 * checked for a valid SigV4 signature (service {@code secretsmanager}, the configured region and
 * credentials), errors answered in AWS's shape, faults injectable and calls counted.
 *
 * <pre>{@code
 * try (LocalSecretsManager sm = LocalSecretsManager.builder().region("us-east-1").credentials(creds).start()) {
 *     sm.putSecret("prod/db", "{\"username\":\"app\",\"password\":\"...\"}");
 *     SecretsManagerClient client = SecretsManagerClient.builder().endpointOverride(sm.endpoint())...build();
 *     ...
 *     assertEquals(1, sm.calls().getSecretValue("prod/db"));
 * }
 * }</pre>
 */
public final class LocalSecretsManager implements AutoCloseable {

    static {
        // The JDK server otherwise leaves Nagle on and each answer waits for the client's delayed ACK
        // (about 40 ms a call). Read once when the JDK server class initialises; a value set explicitly wins.
        System.getProperties().putIfAbsent("sun.net.httpserver.nodelay", "true");
    }

    private static final System.Logger LOG = System.getLogger(LocalSecretsManager.class.getName());
    private static final String SERVICE = "secretsmanager";
    /** An IPv4 literal, not getLoopbackAddress(), which may be ::1 and would need brackets in the URI. */
    private static final String LISTEN_ADDRESS = "127.0.0.1";
    private static final AtomicInteger INSTANCES = new AtomicInteger();
    /** Room for a connection storm's simultaneous first fetches (the JDK's default backlog is 50). */
    private static final int BACKLOG = 256;

    private final String region;
    private final AwsTestCredentials credentials;
    private final SecretStore store;
    private final SecretsManagerOperations operations;
    private final SecretsManagerFaults faults = new SecretsManagerFaults();
    private final SecretsManagerCalls calls = new SecretsManagerCalls();
    private final HttpServer server;
    private final ExecutorService executor;
    private final URI endpoint;

    private LocalSecretsManager(Builder b) throws IOException {
        this.region = b.region;
        this.credentials = b.credentials;
        this.store = new SecretStore(b.region, b.accountId, b.clock);
        this.operations = new SecretsManagerOperations(store);
        SigV4HeaderVerifier verifier = new SigV4HeaderVerifier(SERVICE, b.region, b.credentials, b.clock, b.allowedSkew);
        this.server = HttpServer.create(new InetSocketAddress(InetAddress.getByName(LISTEN_ADDRESS), b.port), BACKLOG);
        int instance = INSTANCES.incrementAndGet();
        AtomicInteger threads = new AtomicInteger();
        this.executor = Executors.newCachedThreadPool(r -> {
            Thread t = new Thread(r, "local-secretsmanager-" + instance + "-" + threads.incrementAndGet());
            t.setDaemon(true);
            return t;
        });
        server.setExecutor(executor);
        server.createContext("/", new SecretsManagerHttpHandler(verifier, operations, store, faults, calls, b.clock));
        server.start();
        this.endpoint = URI.create("http://" + LISTEN_ADDRESS + ":" + server.getAddress().getPort());
        LOG.log(Level.DEBUG, () -> "local Secrets Manager for " + region + " listening on " + endpoint);
    }

    public static Builder builder() {
        return new Builder();
    }

    /** The URI to give the SDK's {@code endpointOverride} and the adapter's {@code secretsManagerEndpoint}. */
    public URI endpoint() {
        return endpoint;
    }

    public String region() {
        return region;
    }

    /** The credentials requests must be signed with (give the same to the SDK client). */
    public AwsTestCredentials credentials() {
        return credentials;
    }

    /**
     * Stores a new current value (creating the secret on first use). The version that was current
     * becomes AWSPREVIOUS, as after a single-user rotation. Returns the new version id.
     */
    public String putSecret(String name, String secretString) {
        return unchecked(() -> store.put(name, secretString, Set.of(SecretStore.CURRENT), null));
    }

    /**
     * Stores a binary secret (GetSecretValue answers SecretBinary and no SecretString), as the console's
     * "other type of secret" with a file does; creates the secret on first use. Returns the new version id.
     */
    public String putSecretBinary(String name, byte[] secretBinary) {
        return unchecked(() -> store.putBinary(name, secretBinary));
    }

    /**
     * Like {@link #putSecret(String, String)} with the fields serialised as a JSON object, the shape RDS
     * secrets have: {@code {"username": .., "password": .., "host": .., "port": .., "dbname": ..}}.
     */
    public String putSecretJson(String name, Map<String, ?> fields) {
        return putSecret(name, operations.toJson(fields));
    }

    /**
     * Stages a value as AWSPENDING without making it current: the middle of a rotation, when the
     * database may already have the new password but GetSecretValue still returns the old one.
     */
    public String putPendingSecret(String name, String secretString) {
        return unchecked(() -> store.put(name, secretString, Set.of(SecretStore.PENDING), null));
    }

    /** Ends a rotation: the AWSPENDING version becomes AWSCURRENT, the old current one AWSPREVIOUS. */
    public String finishRotation(String name) {
        return unchecked(() -> store.finishRotation(name));
    }

    /** Reads a version as a client would, without counting a call (for test assertions). */
    public SecretVersion currentVersion(String name) {
        return unchecked(() -> store.get(name, null, SecretStore.CURRENT));
    }

    /** The secret's full ARN (with AWS's random suffix); GetSecretValue accepts it, and the partial ARN. */
    public String arnOf(String name) {
        return store.arnOf(name).orElseThrow(() -> new IllegalArgumentException("no secret named " + name));
    }

    /** From now on GetSecretValue answers InvalidRequestException, as for a secret scheduled for deletion. */
    public void markForDeletion(String name) {
        unchecked(() -> {
            store.markForDeletion(name);
            return null;
        });
    }

    /** Removes the secret at once: GetSecretValue answers ResourceNotFoundException. */
    public void deleteSecret(String name) {
        store.delete(name);
    }

    public SecretsManagerFaults faults() {
        return faults;
    }

    public SecretsManagerCalls calls() {
        return calls;
    }

    @Override
    public void close() {
        server.stop(0);
        executor.shutdownNow();
        LOG.log(Level.DEBUG, () -> "local Secrets Manager on " + endpoint + " stopped");
    }

    @Override
    public String toString() {
        return "LocalSecretsManager[" + endpoint + ", region=" + region + "]";
    }

    private interface StoreCall<T> {
        T run() throws AwsServiceError;
    }

    /** Test-side calls report store refusals as IllegalStateException with AWS's wording. */
    private static <T> T unchecked(StoreCall<T> call) {
        try {
            return call.run();
        } catch (AwsServiceError e) {
            throw new IllegalStateException(e.type().typeName() + ": " + e.getMessage());
        }
    }

    /** Configuration: region and credentials are what the SDK client in the test must use too. */
    public static final class Builder {
        private String region = "us-east-1";
        private AwsTestCredentials credentials = AwsTestCredentials.testDefaults();
        private String accountId = "123456789012";
        private Clock clock = Clock.systemUTC();
        private Duration allowedSkew = SigV4HeaderVerifier.DEFAULT_ALLOWED_SKEW;
        private int port;

        private Builder() {
        }

        /**
         * A fixed port, for a client in another JVM that must be configured before the endpoint starts
         * (an application server); default 0: a free port, which is what tests in this JVM should use.
         */
        public Builder port(int port) {
            if (port < 0 || port > 65535) {
                throw new IllegalArgumentException("port must be 0..65535: " + port);
            }
            this.port = port;
            return this;
        }

        public Builder region(String region) {
            this.region = Objects.requireNonNull(region, "region");
            return this;
        }

        public Builder credentials(AwsTestCredentials credentials) {
            this.credentials = Objects.requireNonNull(credentials, "credentials");
            return this;
        }

        public Builder accountId(String accountId) {
            this.accountId = Objects.requireNonNull(accountId, "accountId");
            return this;
        }

        /** The endpoint's notion of now, for request-time checks and CreatedDate. */
        public Builder clock(Clock clock) {
            this.clock = Objects.requireNonNull(clock, "clock");
            return this;
        }

        /** How far X-Amz-Date may be from the endpoint's clock (AWS: 5 minutes). */
        public Builder allowedClockSkew(Duration skew) {
            this.allowedSkew = Objects.requireNonNull(skew, "skew");
            return this;
        }

        /** Starts the endpoint on the loopback address. */
        public LocalSecretsManager start() {
            try {
                return new LocalSecretsManager(this);
            } catch (IOException e) {
                throw new UncheckedIOException("the local Secrets Manager could not listen on "
                        + LISTEN_ADDRESS + ":" + port + ": " + e.getMessage(), e);
            }
        }
    }
}
