package dev.awsjca.config;

import dev.awsjca.pipeline.PluginRegistry;

import java.net.URI;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Every property of the adapter, declared once. The driver, the DataSource, the resource adapter's
 * config-properties, the configuration reference (docs/CONFIGURATION.md) and ra.xml all read this list (tests check that they agree).
 * Properties not declared here pass through to pgjdbc.
 */
public final class WrapperProperties {

    private static final List<Property<?>> ALL_PROPERTIES = new ArrayList<>();

    // ---- core
    public static final Property<String> URL = declare("url", PropertyType.text("a JDBC URL, see URLs"), null, "core", false, "jdbc:aws-wrapper:postgresql://db.cluster-xyz.us-east-1.rds.amazonaws.com:5432/app",
            "The JDBC URL: jdbc:aws-wrapper:postgresql://host[:port][,host2[:port]...]/database?prop=value&... "
                    + "(jdbc:postgresql:// is accepted too). Set on a DataSource or the resource adapter.");
    public static final Property<String> USER = declare("user", PropertyType.text("a user name"), null, "core", false, "app",
            "The database user. Absent when the iam or secretsManager plugin supplies it.");
    public static final Property<String> PASSWORD = declare("password", PropertyType.text("any text"), null, "core", true, "${env.DB_PASSWORD}",
            "The database password. Never logged or shown.");
    /** The plugins of a connection that does not name any: what the product is for, failover with fast detection. */
    public static final List<String> DEFAULT_PLUGINS = List.of("failover", "hostMonitoring");
    public static final Property<List<String>> PLUGINS = register(new Property<>("plugins",
            PropertyType.pluginCodes(code -> PluginRegistry.installed().factory(code) != null,
                    () -> PluginRegistry.installed().codes()),
            String.join(",", DEFAULT_PLUGINS), DEFAULT_PLUGINS, "core", false, "failover,hostMonitoring,iam",
            "Comma-separated plugin codes, run in the given order. Empty or none: no plugins (a thin pgjdbc wrapper)."));
    public static final Property<String> DIALECT = declare("dialect",
            PropertyType.oneOf("aurora-postgresql", "rds-multi-az-postgresql", "postgresql"), null, "failover", false, "aurora-postgresql",
            "How the topology is read. Detected from the database when absent.");

    // ---- failover and topology
    public static final Property<Long> FAILOVER_TIMEOUT_MS = declare("failoverTimeoutMs", PropertyType.millis(1),
            "60000", "failover", false, "30000", "How long a failover may look for a new writer before it gives up (08001).");
    public static final Property<String> FAILOVER_MODE = declare("failoverMode",
            PropertyType.oneOf("strict-writer", "reader-or-writer", "strict-reader"), null, "failover", false, "reader-or-writer",
            "Where a failover may land. Default: strict-writer, or reader-or-writer for a reader endpoint.");
    public static final Property<Long> CLUSTER_TOPOLOGY_REFRESH_MS = declare("clusterTopologyRefreshMs",
            PropertyType.millis(1), "30000", "failover", false, "10000",
            "How often the topology is read while the cluster is healthy (it is polled fast during a failover).");
    public static final Property<Long> MONITOR_DISPOSAL_TIME_MS = declare("monitorDisposalTimeMs",
            PropertyType.millis(0), "60000", "failover", false, "0",
            "How long a cluster's monitors (topology, host monitoring) keep running after its last connection closed, so that the next connection finds them warm; then they stop in the background. 0: they stop at once, still in the background (a close never waits for them).");
    public static final Property<HostPattern> CLUSTER_INSTANCE_HOST_PATTERN = declare("clusterInstanceHostPattern",
            PropertyType.hostPattern(), null, "failover", false, "?.cluster-xyz.us-east-1.rds.amazonaws.com",
            "Instance endpoint from an instance id: '?' is the id, optional :port (else the URL's port),"
                    + " e.g. ?.cluster-xyz.us-east-1.rds.amazonaws.com.");

    // ---- host monitoring
    // Defaults: a host is declared dead after 5 probes in a row, 200 ms apart, went unanswered (1 s of
    // silence; 1.0-1.2 s after a blackhole). A probe is SELECT 1 on a connection kept open, which answered
    // within 0.9 s on a writer whose CPUs were oversubscribed many times over while its logins took seconds
    // (the false-positive soak, docs/PERFORMANCE.md); logins are timed apart, and statements are never
    // timed: a long query is not a failure.
    public static final Property<Long> FAILURE_DETECTION_TIME_MS = declare("failureDetectionTimeMs",
            PropertyType.millis(0), "0", "hostMonitoring", false, "1000",
            "How long a statement must have been running before its host is probed. 0: the host is probed while any"
                    + " statement runs on it (the probes are shared per host, so this costs nothing per statement);"
                    + " more only spares the database probes during short statements and delays detection by as much.");
    public static final Property<Long> FAILURE_DETECTION_INTERVAL_MS = declare("failureDetectionIntervalMs",
            PropertyType.millis(100), "200", "hostMonitoring", false, "500",
            "Time between two probes of a watched host, and how long each probe has to answer before it counts as"
                    + " failed (a probe still waiting counts once per interval).");
    public static final Property<Integer> FAILURE_DETECTION_COUNT = declare("failureDetectionCount",
            PropertyType.count(1, 1000), "5", "hostMonitoring", false, "10",
            "Failed probes in a row after which a host is declared dead and the statements stuck on it are aborted:"
                    + " a host is dead after count x interval of silence (1 s by default), so that detection"
                    + " takes about 1-1.2 s while a host answering within 1 s is never declared dead.");

    // ---- IAM
    public static final Property<String> IAM_REGION = declare("iamRegion", PropertyType.region(), null, "iam", false, "us-east-1",
            "Region the token is signed for. Default: the region in the host name, else the AWS SDK's region chain.");
    public static final Property<String> IAM_HOST = declare("iamHost", PropertyType.text("a host name"), null, "iam", false, "db.cluster-xyz.us-east-1.rds.amazonaws.com",
            "Host name to sign instead of the host connected to.");
    public static final Property<Integer> IAM_PORT = declare("iamPort", PropertyType.port(), null, "iam", false, "5432",
            "Port to sign instead of the port connected to.");
    public static final Property<Long> IAM_TOKEN_LIFETIME_S = declare("iamTokenLifetimeS", PropertyType.seconds(1, 900),
            "900", "iam", false, "600", "How long a token is used (RDS accepts a token for 15 minutes).");

    public static final Property<Boolean> IAM_ALLOW_PLAINTEXT = declare("iamAllowPlaintext", PropertyType.bool(), "false",
            "iam", false, "true", "Allow IAM tokens over a connection without TLS (sslmode=disable or allow). For local tests only:"
                    + " RDS refuses IAM logins without TLS, and a token in clear text is a password in clear text.");

    // ---- AWS credentials (iam, secretsManager)
    public static final Property<String> AWS_PROFILE = declare("awsProfile", PropertyType.text("a profile name"), null,
            "iam, secretsManager", false, "prod", "Profile of the AWS credentials and config files to use instead of the"
                    + " AWS SDK's default credentials chain (environment, system properties, web identity, profile, container, instance role).");

    // ---- Secrets Manager
    public static final Property<String> SECRET_ID = declare("secretId", PropertyType.text("a secret name or ARN"), null, "secretsManager",
            false, "prod/app/db", "Name or ARN of the secret holding username and password.");
    public static final Property<String> REGION = declare("region", PropertyType.region(), null, "secretsManager", false, "us-east-1",
            "Region of the secret. Default: the region in the ARN, else the AWS SDK's region chain.");
    public static final Property<URI> SECRETS_MANAGER_ENDPOINT = declare("secretsManagerEndpoint",
            PropertyType.httpEndpoint(), null, "secretsManager", false, "https://vpce-0abc-xyz.secretsmanager.us-east-1.vpce.amazonaws.com",
            "Secrets Manager endpoint to call instead of the region's (VPC endpoints, local tests).");
    public static final Property<Long> SECRETS_CACHE_TTL_S = declare("secretsCacheTtlS",
            PropertyType.seconds(0, 86400), "3600", "secretsManager", false, "600",
            "How long fetched credentials are used before the secret is read again.");
    public static final Property<Long> SECRETS_MANAGER_TIMEOUT_MS = declare("secretsManagerTimeoutMs",
            PropertyType.millis(1), "10000", "secretsManager", false, "3000",
            "How long one read of the secret may take, the AWS SDK's retries included; logins waiting for it fail"
                    + " (08001) after as long instead of hanging with the endpoint.");

    // ---- read/write splitting
    public static final Property<String> READER_HOST_SELECTOR_STRATEGY = declare("readerHostSelectorStrategy",
            PropertyType.oneOf("random", "roundRobin", "leastConnections", "fastestResponse"), "random",
            "readWriteSplitting", false, "roundRobin", "How a reader is chosen for read-only work.");
    public static final Property<String> READ_WRITE_SPLITTING_MODE = declare("readWriteSplittingMode",
            PropertyType.oneOf("readOnlyFlag", "sql"), "readOnlyFlag", "readWriteSplitting", false, "sql",
            "What sends work to a reader: Connection.setReadOnly(true), or the SQL of each statement.");
    public static final Property<Long> MAX_READER_LAG_MS = declare("maxReaderLagMs", PropertyType.millis(0), null,
            "readWriteSplitting", false, "500", "Readers whose replication lag is above this are not chosen (measured on"
                    + " each reader: while WAL it received waits to be replayed, the age of its last replayed commit). Empty: no limit.");
    public static final Property<String> READER_FALLBACK = declare("readerFallback", PropertyType.oneOf("writer", "fail"),
            "writer", "readWriteSplitting", false, "fail", "What read-only work does when no reader is usable: run on the writer,"
                    + " or fail at once (08001).");
    public static final Property<Long> READER_IDLE_TIMEOUT_MS = declare("readerIdleTimeoutMs", PropertyType.millis(0),
            "60000", "readWriteSplitting", false, "30000", "A logical connection closes its reader connection after it went unused"
                    + " this long (0: kept until the logical connection closes).");
    public static final Property<String> READ_AFTER_WRITE = declare("readAfterWrite", PropertyType.oneOf("off", "wait"), "off",
            "readWriteSplitting", false, "wait", "wait: a read routed to a reader after this connection committed a write waits"
                    + " until the reader replayed that commit, up to readAfterWriteTimeoutMs, else runs on the writer.");
    public static final Property<Long> READ_AFTER_WRITE_TIMEOUT_MS = declare("readAfterWriteTimeoutMs", PropertyType.millis(0),
            "1000", "readWriteSplitting", false, "2000", "How long a read waits for a reader to replay this connection's last"
                    + " committed write before it runs on the writer instead.");
    public static final Property<String> ROLE = declare("role", PropertyType.oneOf("writer", "reader"), "writer",
            "resource adapter", false, "reader", "What a connection definition's connections are for: writer (read and write),"
                    + " or reader (read-only connections to readers; XA branches answer XA_RDONLY; failoverMode"
                    + " defaults to strict-reader and may not be strict-writer).");

    // ---- metrics (docs/METRICS.md)
    public static final Property<String> TELEMETRY = declare("telemetry", PropertyType.oneOf("jmx", "otel", "emf"), "jmx",
            "core", false, "emf", "Where the metrics go besides JMX (always on): jmx for JMX only; otel for the OpenTelemetry"
                    + " API (the SDK the application or server registered; needs opentelemetry-api on the class path);"
                    + " emf for CloudWatch Embedded Metric Format lines on logger dev.awsjca.metrics.emf.");
    public static final Property<Long> TELEMETRY_INTERVAL_S = declare("telemetryIntervalS", PropertyType.seconds(1, 3600),
            "60", "core", false, "30", "How often the emf lines are written (one set per interval). The first definition"
                    + " of the adapter (of the JVM for the driver) that enables emf sets it.");
    public static final Property<String> DEFINITION_NAME = declare("definitionName", PropertyType.label(), null,
            "core", false, "orders-writer", "The connection definition's name in metrics (JMX name, OpenTelemetry pool name, EMF"
                    + " dimension). Default: the URL's first host:port and database. Connections with the same"
                    + " name count together.");

    private static final Map<String, Property<?>> BY_NAME;

    static {
        Map<String, Property<?>> byName = new LinkedHashMap<>();
        for (Property<?> p : ALL_PROPERTIES) {
            byName.put(p.name(), p);
        }
        BY_NAME = Collections.unmodifiableMap(byName);
    }

    private WrapperProperties() {
    }

    private static <T> Property<T> declare(String name, PropertyType<T> type, String defaultText, String usedBy,
                                           boolean secret, String description) {
        return register(new Property<>(name, type, defaultText, usedBy, secret, description));
    }

    /** With an example value for the configuration reference (docs/CONFIGURATION.md). */
    private static <T> Property<T> declare(String name, PropertyType<T> type, String defaultText, String usedBy,
                                           boolean secret, String example, String description) {
        return register(new Property<>(name, type, defaultText, usedBy, secret, example, description));
    }

    private static <T> Property<T> register(Property<T> p) {
        ALL_PROPERTIES.add(p);
        return p;
    }

    /** Every property, in declaration order. */
    public static List<Property<?>> all() {
        return Collections.unmodifiableList(ALL_PROPERTIES);
    }

    /** The property with this exact name, or null. */
    public static Property<?> byName(String name) {
        return BY_NAME.get(name);
    }
}
