package dev.awsjca.ra;

import dev.awsjca.config.ConfigurationException;
import dev.awsjca.config.Property;
import dev.awsjca.config.WrapperConfig;
import dev.awsjca.metrics.ServerOpenTelemetry;
import dev.awsjca.config.WrapperProperties;
import dev.awsjca.config.WrapperUrl;
import dev.awsjca.jdbc.ConnectionWrapper;
import dev.awsjca.jdbc.SqlFailures;
import dev.awsjca.topology.ClusterRegistry;
import jakarta.resource.ResourceException;
import jakarta.resource.spi.CommException;
import jakarta.resource.spi.ConnectionManager;
import jakarta.resource.spi.ConnectionRequestInfo;
import jakarta.resource.spi.InvalidPropertyException;
import jakarta.resource.spi.ManagedConnection;
import jakarta.resource.spi.ManagedConnectionFactory;
import jakarta.resource.spi.ResourceAdapter;
import jakarta.resource.spi.ResourceAdapterAssociation;
import jakarta.resource.spi.ResourceAllocationException;
import jakarta.resource.spi.SecurityException;
import jakarta.resource.spi.ValidatingManagedConnectionFactory;

import javax.security.auth.Subject;
import java.beans.IntrospectionException;
import java.beans.PropertyDescriptor;
import java.io.PrintWriter;
import java.sql.SQLException;
import java.util.HashSet;
import java.util.Properties;
import java.util.Set;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * The configured connection definition: one JavaBean config-property per property of the registry
 * ({@link WrapperProperties}), set by the container, checked by the registry when the container makes the
 * connection factory or associates the adapter, so that a bad value fails the deployment naming the
 * property. Two factories with the same settings are equal (the container relies on it).
 */
public class AwsManagedConnectionFactory
        implements ManagedConnectionFactory, ValidatingManagedConnectionFactory, ResourceAdapterAssociation {

    private static final long serialVersionUID = 1L;

    // name -> value as given; sorted so that equals/hashCode do not depend on the order of the setters
    private final SortedMap<String, String> settings = new TreeMap<>();
    private transient volatile WrapperConfig checked;
    private transient volatile AwsResourceAdapter adapter;
    private transient PrintWriter logWriter;

    /**
     * Made by a JCA container. A server's CDI container gives the adapter its OpenTelemetry while the deployment
     * starts, and WildFly's recovery may ask for a connection before that: said now, so that a definition with
     * telemetry=otel waits for it in that window instead of being refused (OpenTelemetryIT saw the refusal in
     * server.log when a recovery scan met a slow EAR deployment).
     */
    public AwsManagedConnectionFactory() {
        ServerOpenTelemetry.starting();
    }

    // ---- checking

    /**
     * The configuration, checked by the registry.
     *
     * @throws InvalidPropertyException naming the config-property at fault (never showing a secret)
     */
    WrapperConfig configuration() throws InvalidPropertyException {
        WrapperConfig config = checked;
        if (config == null) {
            config = check(Credentials.CONFIGURED);
            checked = config;
        }
        return config;
    }

    /** The configuration with another login (a Subject's, or the application's getConnection(user, password)). */
    WrapperConfig configuration(Credentials credentials) throws InvalidPropertyException {
        return credentials.user() == null && credentials.password() == null ? configuration() : check(credentials);
    }

    private synchronized WrapperConfig check(Credentials credentials) throws InvalidPropertyException {
        String url = settings.get(WrapperProperties.URL.name());
        if (url == null || url.isBlank()) {
            throw invalid(WrapperProperties.URL, "Config-property 'Url' is not set: expected " + WrapperUrl.PREFIX
                    + "host[:port][,host2[:port]...]/database");
        }
        Properties info = new Properties();
        settings.forEach((name, value) -> {
            if (!name.equals(WrapperProperties.URL.name())) {
                info.setProperty(name, value);
            }
        });
        if (credentials.user() != null) {
            info.setProperty(WrapperProperties.USER.name(), credentials.user());
        }
        if (credentials.password() != null) {
            info.setProperty(WrapperProperties.PASSWORD.name(), credentials.password());
        }
        try {
            return WrapperConfig.from(url, info);
        } catch (ConfigurationException e) {
            Property<?> property = WrapperProperties.byName(e.property());
            throw invalid(property, "Invalid configuration of the AWS JCA connection definition (config-property '"
                    + (property == null ? e.property() : property.configPropertyName()) + "'): " + e.getMessage());
        }
    }

    private static InvalidPropertyException invalid(Property<?> property, String message) {
        InvalidPropertyException e = new InvalidPropertyException(message);
        if (property != null) {
            try {
                e.setInvalidPropertyDescriptors(new PropertyDescriptor[] {
                        new PropertyDescriptor(property.name(), AwsManagedConnectionFactory.class,
                                null, "set" + property.configPropertyName())});
            } catch (IntrospectionException ignored) {
                // the message names the property anyway
            }
        }
        return e;
    }

    // ---- ManagedConnectionFactory

    @Override
    public Object createConnectionFactory(ConnectionManager manager) throws ResourceException {
        configuration();
        return new AwsConnectionFactory(this, manager);
    }

    /** Outside a server: every getConnection() opens a connection, and closing the handle closes it. */
    @Override
    public Object createConnectionFactory() throws ResourceException {
        return createConnectionFactory(new UnpooledConnectionManager());
    }

    /**
     * A new logical connection, running the pipeline, logged in now. Without request info (a pool's
     * prefill, a ping, the container's transaction recovery) it is the definition's own login, or the
     * Subject's: a connection like any other, which serves checkouts and {@code recover()} alike. Only
     * while the adapter is not running (WildFly's periodic recovery may ask between registering a
     * definition and starting the adapter) is it left unconnected: it connects on first use.
     */
    @Override
    public ManagedConnection createManagedConnection(Subject subject, ConnectionRequestInfo info) throws ResourceException {
        Credentials credentials = Credentials.resolve(this, subject, info instanceof AwsConnectionRequestInfo a ? a : null);
        AwsManagedConnection mc = new AwsManagedConnection(this, credentials, adapterNotRunning() ? null : open(credentials));
        AwsResourceAdapter ra = adapter;
        if (ra != null && !ra.opened(mc)) {
            mc.destroy();
            throw new ResourceException("the AWS JCA resource adapter stopped while this connection was being made");
        }
        return mc;
    }

    /** Opens a logical connection with this configuration and login, in the adapter's clusters. */
    ConnectionWrapper open(Credentials credentials) throws ResourceException {
        WrapperConfig config = configuration(credentials);
        AwsResourceAdapter ra = adapter;
        ClusterRegistry clusters = ra != null ? ra.clusters() : ClusterRegistry.shared();
        try {
            return ConnectionWrapper.open(config, clusters);
        } catch (SQLException e) {
            throw connectFailure(config, credentials, e);
        }
    }

    /**
     * What the container is told when a login fails: a refused login is a SecurityException (the JCA
     * type for it), a lost or unreachable node a CommException, anything else (unknown database, too
     * many connections) a ResourceAllocationException. Each carries the database's SQLState as its error
     * code and the SQLException as its cause, which the connection factory hands to the application.
     */
    private static ResourceException connectFailure(WrapperConfig config, Credentials credentials, SQLException e) {
        // the message is pgjdbc's or the pipeline's: neither carries the password
        String message = "Cannot connect to " + config.hosts() + " as " + credentials + ": " + e.getMessage();
        ResourceException re;
        if (SqlFailures.isAuthenticationFailure(e)) {
            re = new SecurityException(message, e.getSQLState());
        } else if (SqlFailures.isConnectionFailure(e)) {
            re = new CommException(message, e.getSQLState());
        } else {
            re = new ResourceAllocationException(message, e.getSQLState());
        }
        re.initCause(e);
        return re;
    }

    /** Whether this factory's adapter is deployed but not running (not started yet, or stopped). */
    boolean adapterNotRunning() {
        AwsResourceAdapter ra = adapter;
        return ra != null && !ra.isRunning();
    }

    void closed(AwsManagedConnection mc) {
        AwsResourceAdapter ra = adapter;
        if (ra != null) {
            ra.closed(mc);
        }
    }

    /** A pooled connection fits a request when it logged in with the same credentials. */
    @Override
    @SuppressWarnings("rawtypes")
    public ManagedConnection matchManagedConnections(Set candidates, Subject subject, ConnectionRequestInfo info) {
        Credentials wanted = Credentials.resolve(this, subject, info instanceof AwsConnectionRequestInfo a ? a : null);
        for (Object candidate : candidates) {
            if (candidate instanceof AwsManagedConnection mc && mc.factory().equals(this)
                    && mc.credentials().equals(wanted) && !mc.isBroken()) {
                return mc;
            }
        }
        return null;
    }

    /**
     * Background and on-borrow validation: a connection is invalid when it is broken, does not answer, or
     * its node no longer has the role the definition wants (role and failoverMode): for a writer
     * definition, a node that is no longer the writer (after a failover the whole idle pool is discarded at
     * once); for a reader definition, a node that is not a reader, unless it is the writer standing in
     * while no reader is up.
     */
    @Override
    @SuppressWarnings({"rawtypes", "unchecked"})
    public Set getInvalidConnections(Set connections) {
        Set invalid = new HashSet<>();
        for (Object candidate : connections) {
            if (candidate instanceof AwsManagedConnection mc && !mc.isUsable()) {
                invalid.add(mc);
            }
        }
        return invalid;
    }

    // ---- ResourceAdapterAssociation

    @Override
    public ResourceAdapter getResourceAdapter() {
        return adapter;
    }

    /**
     * The container associates the adapter right after setting the config-properties: a complete definition
     * (one with a {@code Url}) is checked now, naming the property at fault. One without is not refused
     * here: Payara makes a default pool per connection definition from ra.xml's values alone (no Url) and
     * associates it on every deploy and start; such a definition fails where it is used
     * ({@link #createConnectionFactory}, a connection). The adapter is kept either way, so that whatever
     * this factory opens belongs to its lifecycle.
     */
    @Override
    public void setResourceAdapter(ResourceAdapter ra) throws ResourceException {
        if (!(ra instanceof AwsResourceAdapter aws)) {
            throw new ResourceException("AwsManagedConnectionFactory needs the AwsResourceAdapter, not "
                    + (ra == null ? "none" : ra.getClass().getName()));
        }
        this.adapter = aws;
        if (getUrl() != null) {
            configuration();
        }
    }

    @Override
    public PrintWriter getLogWriter() {
        return logWriter;
    }

    @Override
    public void setLogWriter(PrintWriter out) {
        this.logWriter = out;
    }

    // ---- config-properties: one setter per property of the registry (a test checks ra.xml, the registry and these)

    private synchronized void set(Property<?> property, Object value) {
        if (value == null) {
            settings.remove(property.name());
        } else {
            settings.put(property.name(), value.toString());
        }
        checked = null;
    }

    private synchronized String get(Property<?> property) {
        return settings.get(property.name());
    }

    private Long getLong(Property<?> property) {
        String v = get(property);
        return v == null ? null : Long.valueOf(v);
    }

    private Integer getInteger(Property<?> property) {
        String v = get(property);
        return v == null ? null : Integer.valueOf(v);
    }

    public void setUrl(String url) {
        set(WrapperProperties.URL, url);
    }

    public String getUrl() {
        return get(WrapperProperties.URL);
    }

    public void setUser(String user) {
        set(WrapperProperties.USER, user);
    }

    public String getUser() {
        return get(WrapperProperties.USER);
    }

    /** Write-only: the password is never read back. */
    public void setPassword(String password) {
        set(WrapperProperties.PASSWORD, password);
    }

    public void setPlugins(String plugins) {
        set(WrapperProperties.PLUGINS, plugins);
    }

    public String getPlugins() {
        return get(WrapperProperties.PLUGINS);
    }

    public void setDialect(String dialect) {
        set(WrapperProperties.DIALECT, dialect);
    }

    public String getDialect() {
        return get(WrapperProperties.DIALECT);
    }

    public void setFailoverTimeoutMs(Long millis) {
        set(WrapperProperties.FAILOVER_TIMEOUT_MS, millis);
    }

    public Long getFailoverTimeoutMs() {
        return getLong(WrapperProperties.FAILOVER_TIMEOUT_MS);
    }

    public void setFailoverMode(String mode) {
        set(WrapperProperties.FAILOVER_MODE, mode);
    }

    public String getFailoverMode() {
        return get(WrapperProperties.FAILOVER_MODE);
    }

    public void setMonitorDisposalTimeMs(Long millis) {
        set(WrapperProperties.MONITOR_DISPOSAL_TIME_MS, millis);
    }

    public Long getMonitorDisposalTimeMs() {
        return getLong(WrapperProperties.MONITOR_DISPOSAL_TIME_MS);
    }

    public void setClusterTopologyRefreshMs(Long millis) {
        set(WrapperProperties.CLUSTER_TOPOLOGY_REFRESH_MS, millis);
    }

    public Long getClusterTopologyRefreshMs() {
        return getLong(WrapperProperties.CLUSTER_TOPOLOGY_REFRESH_MS);
    }

    public void setClusterInstanceHostPattern(String pattern) {
        set(WrapperProperties.CLUSTER_INSTANCE_HOST_PATTERN, pattern);
    }

    public String getClusterInstanceHostPattern() {
        return get(WrapperProperties.CLUSTER_INSTANCE_HOST_PATTERN);
    }

    public void setFailureDetectionTimeMs(Long millis) {
        set(WrapperProperties.FAILURE_DETECTION_TIME_MS, millis);
    }

    public Long getFailureDetectionTimeMs() {
        return getLong(WrapperProperties.FAILURE_DETECTION_TIME_MS);
    }

    public void setFailureDetectionIntervalMs(Long millis) {
        set(WrapperProperties.FAILURE_DETECTION_INTERVAL_MS, millis);
    }

    public Long getFailureDetectionIntervalMs() {
        return getLong(WrapperProperties.FAILURE_DETECTION_INTERVAL_MS);
    }

    public void setFailureDetectionCount(Integer count) {
        set(WrapperProperties.FAILURE_DETECTION_COUNT, count);
    }

    public Integer getFailureDetectionCount() {
        return getInteger(WrapperProperties.FAILURE_DETECTION_COUNT);
    }

    public void setIamRegion(String region) {
        set(WrapperProperties.IAM_REGION, region);
    }

    public String getIamRegion() {
        return get(WrapperProperties.IAM_REGION);
    }

    public void setIamHost(String host) {
        set(WrapperProperties.IAM_HOST, host);
    }

    public String getIamHost() {
        return get(WrapperProperties.IAM_HOST);
    }

    public void setIamPort(Integer port) {
        set(WrapperProperties.IAM_PORT, port);
    }

    public Integer getIamPort() {
        return getInteger(WrapperProperties.IAM_PORT);
    }

    public void setIamTokenLifetimeS(Long seconds) {
        set(WrapperProperties.IAM_TOKEN_LIFETIME_S, seconds);
    }

    public Long getIamTokenLifetimeS() {
        return getLong(WrapperProperties.IAM_TOKEN_LIFETIME_S);
    }

    public void setIamAllowPlaintext(Boolean allow) {
        set(WrapperProperties.IAM_ALLOW_PLAINTEXT, allow);
    }

    public Boolean getIamAllowPlaintext() {
        String v = get(WrapperProperties.IAM_ALLOW_PLAINTEXT);
        return v == null ? null : Boolean.valueOf(v);
    }

    public void setAwsProfile(String profile) {
        set(WrapperProperties.AWS_PROFILE, profile);
    }

    public String getAwsProfile() {
        return get(WrapperProperties.AWS_PROFILE);
    }

    public void setSecretId(String secretId) {
        set(WrapperProperties.SECRET_ID, secretId);
    }

    public String getSecretId() {
        return get(WrapperProperties.SECRET_ID);
    }

    public void setRegion(String region) {
        set(WrapperProperties.REGION, region);
    }

    public String getRegion() {
        return get(WrapperProperties.REGION);
    }

    public void setSecretsManagerEndpoint(String endpoint) {
        set(WrapperProperties.SECRETS_MANAGER_ENDPOINT, endpoint);
    }

    public String getSecretsManagerEndpoint() {
        return get(WrapperProperties.SECRETS_MANAGER_ENDPOINT);
    }

    public void setSecretsCacheTtlS(Long seconds) {
        set(WrapperProperties.SECRETS_CACHE_TTL_S, seconds);
    }

    public Long getSecretsCacheTtlS() {
        return getLong(WrapperProperties.SECRETS_CACHE_TTL_S);
    }

    public void setSecretsManagerTimeoutMs(Long millis) {
        set(WrapperProperties.SECRETS_MANAGER_TIMEOUT_MS, millis);
    }

    public Long getSecretsManagerTimeoutMs() {
        return getLong(WrapperProperties.SECRETS_MANAGER_TIMEOUT_MS);
    }

    public void setReaderHostSelectorStrategy(String strategy) {
        set(WrapperProperties.READER_HOST_SELECTOR_STRATEGY, strategy);
    }

    public String getReaderHostSelectorStrategy() {
        return get(WrapperProperties.READER_HOST_SELECTOR_STRATEGY);
    }

    public void setReadWriteSplittingMode(String mode) {
        set(WrapperProperties.READ_WRITE_SPLITTING_MODE, mode);
    }

    public String getReadWriteSplittingMode() {
        return get(WrapperProperties.READ_WRITE_SPLITTING_MODE);
    }

    public void setTelemetry(String telemetry) {
        set(WrapperProperties.TELEMETRY, telemetry);
    }

    public String getTelemetry() {
        return get(WrapperProperties.TELEMETRY);
    }

    public void setTelemetryIntervalS(Long seconds) {
        set(WrapperProperties.TELEMETRY_INTERVAL_S, seconds);
    }

    public Long getTelemetryIntervalS() {
        return getLong(WrapperProperties.TELEMETRY_INTERVAL_S);
    }

    public void setDefinitionName(String name) {
        set(WrapperProperties.DEFINITION_NAME, name);
    }

    public String getDefinitionName() {
        return get(WrapperProperties.DEFINITION_NAME);
    }

    public void setMaxReaderLagMs(Long value) {
        set(WrapperProperties.MAX_READER_LAG_MS, value);
    }

    public Long getMaxReaderLagMs() {
        return getLong(WrapperProperties.MAX_READER_LAG_MS);
    }

    public void setReaderFallback(String value) {
        set(WrapperProperties.READER_FALLBACK, value);
    }

    public String getReaderFallback() {
        return get(WrapperProperties.READER_FALLBACK);
    }

    public void setReaderIdleTimeoutMs(Long value) {
        set(WrapperProperties.READER_IDLE_TIMEOUT_MS, value);
    }

    public Long getReaderIdleTimeoutMs() {
        return getLong(WrapperProperties.READER_IDLE_TIMEOUT_MS);
    }

    public void setReadAfterWrite(String value) {
        set(WrapperProperties.READ_AFTER_WRITE, value);
    }

    public String getReadAfterWrite() {
        return get(WrapperProperties.READ_AFTER_WRITE);
    }

    public void setReadAfterWriteTimeoutMs(Long value) {
        set(WrapperProperties.READ_AFTER_WRITE_TIMEOUT_MS, value);
    }

    public Long getReadAfterWriteTimeoutMs() {
        return getLong(WrapperProperties.READ_AFTER_WRITE_TIMEOUT_MS);
    }

    public void setRole(String value) {
        set(WrapperProperties.ROLE, value);
    }

    public String getRole() {
        return get(WrapperProperties.ROLE);
    }

    // ---- identity: the configuration

    private synchronized SortedMap<String, String> snapshot() {
        return new TreeMap<>(settings);
    }

    // compares snapshots, so that two factories never hold each other's lock
    @Override
    public boolean equals(Object o) {
        return this == o || (o instanceof AwsManagedConnectionFactory other && o.getClass() == getClass()
                && snapshot().equals(other.snapshot()));
    }

    @Override
    public int hashCode() {
        return snapshot().hashCode();
    }

    /** The URL without credentials and the non-secret settings. */
    @Override
    public synchronized String toString() {
        StringBuilder b = new StringBuilder("AwsManagedConnectionFactory[");
        String url = settings.get(WrapperProperties.URL.name());
        b.append(url == null ? "no url" : WrapperUrl.redact(url));
        settings.forEach((name, value) -> {
            Property<?> p = WrapperProperties.byName(name);
            if (p != WrapperProperties.URL) {
                b.append(", ").append(name).append('=').append(p != null && p.isSecret() ? "***" : value);
            }
        });
        return b.append(']').toString();
    }
}
