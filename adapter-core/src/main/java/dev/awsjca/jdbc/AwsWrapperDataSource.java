package dev.awsjca.jdbc;

import dev.awsjca.config.ConfigurationException;
import dev.awsjca.config.Property;
import dev.awsjca.config.WrapperConfig;
import dev.awsjca.config.WrapperProperties;
import dev.awsjca.config.WrapperUrl;

import javax.sql.DataSource;
import java.io.PrintWriter;
import java.io.Serializable;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.Properties;

/**
 * A DataSource for Java SE use (and pools such as HikariCP). Every property of the adapter has a setter
 * of the same name; other names go through {@link #setProperty} to pgjdbc. Each value is checked when set,
 * so a bad one fails at configuration time, naming the property.
 */
public class AwsWrapperDataSource extends AdapterDataSource implements Serializable {

    private static final long serialVersionUID = 1L;

    private String url;
    private final Properties settings = new Properties();
    private int loginTimeoutSeconds;
    private transient PrintWriter logWriter;
    private transient volatile WrapperConfig config;

    @Override
    public Connection getConnection() throws SQLException {
        WrapperConfig current = config;
        if (current == null) {
            current = configuration(settings);
            config = current;
        }
        return ConnectionWrapper.open(current);
    }

    @Override
    public Connection getConnection(String username, String password) throws SQLException {
        Properties withLogin = new Properties();
        withLogin.putAll(settings);
        put(withLogin, WrapperProperties.USER.name(), username);
        put(withLogin, WrapperProperties.PASSWORD.name(), password);
        return ConnectionWrapper.open(configuration(withLogin));
    }

    private synchronized WrapperConfig configuration(Properties properties) throws SQLException {
        if (url == null) {
            throw new SQLException("Property 'url' is not set on the DataSource: expected " + WrapperUrl.PREFIX
                    + "host[:port]/database", "08001");
        }
        return AwsWrapperDriver.configuration(url, properties);
    }

    private static void put(Properties properties, String name, String value) {
        if (value == null) {
            properties.remove(name);
        } else {
            properties.setProperty(name, value);
        }
    }

    /**
     * Sets any property by name: one of the adapter's (checked now) or one passed to pgjdbc as is
     * ({@code sslmode}, {@code connectTimeout}, ...). A null value removes it.
     */
    public synchronized void setProperty(String name, String value) {
        Property<?> property = WrapperProperties.byName(name);
        if (property == WrapperProperties.URL) {
            setUrl(value);
            return;
        }
        if (value != null) {
            if (property != null) {
                property.parse(value);
            } else {
                WrapperConfig.rejectMisspelling(name);
            }
        }
        put(settings, name, value);
        config = null;
    }

    /** The value set for a property; a secret's value is never returned. */
    public synchronized String getProperty(String name) {
        Property<?> property = WrapperProperties.byName(name);
        if (property == WrapperProperties.URL) {
            return url;
        }
        String value = settings.getProperty(name);
        return property != null && property.isSecret() && value != null ? "***" : value;
    }

    private void set(Property<?> property, Object value) {
        setProperty(property.name(), value == null ? null : value.toString());
    }

    /** Checks the URL now: a malformed one fails here, not at the first getConnection(). */
    public synchronized void setUrl(String url) {
        if (url != null) {
            WrapperConfig.from(url, null);
        }
        this.url = url;
        config = null;
    }

    public synchronized String getUrl() {
        return url;
    }

    // One setter per property of the registry, named as in URLs (a test checks they match the registry).

    public void setUser(String user) {
        set(WrapperProperties.USER, user);
    }

    public void setPassword(String password) {
        set(WrapperProperties.PASSWORD, password);
    }

    public void setPlugins(String plugins) {
        set(WrapperProperties.PLUGINS, plugins);
    }

    public void setDialect(String dialect) {
        set(WrapperProperties.DIALECT, dialect);
    }

    public void setFailoverTimeoutMs(long millis) {
        set(WrapperProperties.FAILOVER_TIMEOUT_MS, millis);
    }

    public void setFailoverMode(String mode) {
        set(WrapperProperties.FAILOVER_MODE, mode);
    }

    public void setMonitorDisposalTimeMs(long millis) {
        set(WrapperProperties.MONITOR_DISPOSAL_TIME_MS, millis);
    }

    public void setClusterTopologyRefreshMs(long millis) {
        set(WrapperProperties.CLUSTER_TOPOLOGY_REFRESH_MS, millis);
    }

    public void setClusterInstanceHostPattern(String pattern) {
        set(WrapperProperties.CLUSTER_INSTANCE_HOST_PATTERN, pattern);
    }

    public void setFailureDetectionTimeMs(long millis) {
        set(WrapperProperties.FAILURE_DETECTION_TIME_MS, millis);
    }

    public void setFailureDetectionIntervalMs(long millis) {
        set(WrapperProperties.FAILURE_DETECTION_INTERVAL_MS, millis);
    }

    public void setFailureDetectionCount(int count) {
        set(WrapperProperties.FAILURE_DETECTION_COUNT, count);
    }

    public void setIamRegion(String region) {
        set(WrapperProperties.IAM_REGION, region);
    }

    public void setIamHost(String host) {
        set(WrapperProperties.IAM_HOST, host);
    }

    public void setIamPort(int port) {
        set(WrapperProperties.IAM_PORT, port);
    }

    public void setIamTokenLifetimeS(long seconds) {
        set(WrapperProperties.IAM_TOKEN_LIFETIME_S, seconds);
    }

    public void setIamAllowPlaintext(boolean allow) {
        set(WrapperProperties.IAM_ALLOW_PLAINTEXT, allow);
    }

    public void setAwsProfile(String profile) {
        set(WrapperProperties.AWS_PROFILE, profile);
    }

    public void setSecretId(String secretId) {
        set(WrapperProperties.SECRET_ID, secretId);
    }

    public void setRegion(String region) {
        set(WrapperProperties.REGION, region);
    }

    public void setSecretsManagerEndpoint(String endpoint) {
        set(WrapperProperties.SECRETS_MANAGER_ENDPOINT, endpoint);
    }

    public void setSecretsCacheTtlS(long seconds) {
        set(WrapperProperties.SECRETS_CACHE_TTL_S, seconds);
    }

    public void setSecretsManagerTimeoutMs(long millis) {
        set(WrapperProperties.SECRETS_MANAGER_TIMEOUT_MS, millis);
    }

    public void setReaderHostSelectorStrategy(String strategy) {
        set(WrapperProperties.READER_HOST_SELECTOR_STRATEGY, strategy);
    }

    public void setReadWriteSplittingMode(String mode) {
        set(WrapperProperties.READ_WRITE_SPLITTING_MODE, mode);
    }

    public void setTelemetry(String telemetry) {
        set(WrapperProperties.TELEMETRY, telemetry);
    }

    public void setTelemetryIntervalS(long seconds) {
        set(WrapperProperties.TELEMETRY_INTERVAL_S, seconds);
    }

    public void setDefinitionName(String name) {
        set(WrapperProperties.DEFINITION_NAME, name);
    }

    public void setMaxReaderLagMs(long value) {
        set(WrapperProperties.MAX_READER_LAG_MS, value);
    }

    public void setReaderFallback(String value) {
        set(WrapperProperties.READER_FALLBACK, value);
    }

    public void setReaderIdleTimeoutMs(long value) {
        set(WrapperProperties.READER_IDLE_TIMEOUT_MS, value);
    }

    public void setReadAfterWrite(String value) {
        set(WrapperProperties.READ_AFTER_WRITE, value);
    }

    public void setReadAfterWriteTimeoutMs(long value) {
        set(WrapperProperties.READ_AFTER_WRITE_TIMEOUT_MS, value);
    }

    public void setRole(String value) {
        set(WrapperProperties.ROLE, value);
    }

    // javax.sql.DataSource

    /** Passed to pgjdbc as its {@code loginTimeout}. */
    @Override
    public synchronized void setLoginTimeout(int seconds) {
        if (seconds < 0) {
            throw new ConfigurationException("loginTimeout", "Invalid value '" + seconds
                    + "' for property 'loginTimeout': expected a whole number of seconds, 0 or more");
        }
        loginTimeoutSeconds = seconds;
        put(settings, "loginTimeout", seconds == 0 ? null : Integer.toString(seconds));
        config = null;
    }

    @Override
    public synchronized int getLoginTimeout() {
        return loginTimeoutSeconds;
    }

    @Override
    public PrintWriter getLogWriter() {
        return logWriter;
    }

    @Override
    public void setLogWriter(PrintWriter out) {
        this.logWriter = out;
    }


    @Override
    public String toString() {
        return "AwsWrapperDataSource[" + (url == null ? "no url" : WrapperUrl.redact(url)) + "]";
    }
}
