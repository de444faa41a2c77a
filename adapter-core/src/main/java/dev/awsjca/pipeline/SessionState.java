package dev.awsjca.pipeline;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.Executor;

/**
 * The session settings the application changed on its logical connection, recorded as they succeed, so
 * that any new physical connection (after a failover, or a switch between writer and reader) is set up
 * the same way. One per logical connection ({@link PluginContext#session()}), shared by its plugins.
 * Recording the same setter twice is harmless: each setting keeps its last value.
 */
public final class SessionState {

    private boolean autoCommit = true;
    private Boolean readOnly;
    private Integer isolation;
    private String schema;
    private Integer holdability;
    private Executor networkTimeoutExecutor;
    private Integer networkTimeoutMs;
    private final Map<String, String> clientInfo = new LinkedHashMap<>();
    // parameter name -> the SET statement that set it last, in the order they were set
    private final Map<String, String> parameters = new LinkedHashMap<>();
    private long version;

    /** Records a setter the application called successfully. */
    public synchronized void record(JdbcCall<?> call) {
        Object[] a = call.args();
        if (call.method() != JdbcMethod.CONNECTION_SET_READ_ONLY) {
            version++; // read-only is set per connection by who switches: it is not worth a full set-up
        }
        switch (call.method()) {
            case CONNECTION_SET_AUTO_COMMIT -> autoCommit = (Boolean) a[0];
            case CONNECTION_SET_READ_ONLY -> readOnly = (Boolean) a[0];
            case CONNECTION_SET_TRANSACTION_ISOLATION -> isolation = (Integer) a[0];
            case CONNECTION_SET_SCHEMA -> schema = (String) a[0];
            case CONNECTION_SET_HOLDABILITY -> holdability = (Integer) a[0];
            case CONNECTION_SET_NETWORK_TIMEOUT -> {
                networkTimeoutExecutor = (Executor) a[0];
                networkTimeoutMs = (Integer) a[1];
            }
            case CONNECTION_SET_CLIENT_INFO -> {
                if (a.length == 2) {
                    clientInfo.put((String) a[0], (String) a[1]);
                } else if (a[0] instanceof Properties p) {
                    clientInfo.clear();
                    p.stringPropertyNames().forEach(n -> clientInfo.put(n, p.getProperty(n)));
                }
            }
            default -> {
            }
        }
    }

    public static boolean isSetter(JdbcMethod m) {
        return switch (m) {
            case CONNECTION_SET_AUTO_COMMIT, CONNECTION_SET_READ_ONLY, CONNECTION_SET_TRANSACTION_ISOLATION,
                    CONNECTION_SET_SCHEMA, CONNECTION_SET_HOLDABILITY, CONNECTION_SET_NETWORK_TIMEOUT,
                    CONNECTION_SET_CLIENT_INFO -> true;
            default -> false;
        };
    }

    /** Changes with every recorded change: who set a connection up at one version knows when to again. */
    public synchronized long version() {
        return version;
    }

    public synchronized boolean autoCommit() {
        return autoCommit;
    }

    public synchronized boolean readOnly() {
        return readOnly != null && readOnly;
    }

    /** A SQL {@code SET name ...} that succeeded outside a transaction (or whose transaction committed). */
    public synchronized void setParameter(String name, String setStatement) {
        version++;
        parameters.remove(name);
        parameters.put(name, setStatement);
    }

    /** {@code RESET name}: back to the server's default, which a new connection has anyway. */
    public synchronized void resetParameter(String name) {
        version++;
        parameters.remove(name);
    }

    /** {@code RESET ALL} or {@code DISCARD ALL}. */
    public synchronized void resetParameters() {
        version++;
        parameters.clear();
    }

    /** Sets a new physical connection up as the application had set the old one; autocommit last. */
    public void applyTo(Connection c) throws SQLException {
        applyTo(c, readOnly);
    }

    /**
     * As {@link #applyTo(Connection)}, with read-only as given: a reader connection is set read-only, a
     * writer connection as the application wants. {@code readOnly} null leaves it as the connection has it.
     */
    public synchronized void applyTo(Connection c, Boolean readOnly) throws SQLException {
        if (!parameters.isEmpty()) {
            try (Statement s = c.createStatement()) {
                for (String set : parameters.values()) {
                    s.execute(set);
                }
            }
        }
        if (isolation != null) {
            c.setTransactionIsolation(isolation);
        }
        if (readOnly != null && readOnly != c.isReadOnly()) {
            c.setReadOnly(readOnly);
        }
        if (schema != null) {
            c.setSchema(schema);
        }
        if (holdability != null) {
            c.setHoldability(holdability);
        }
        if (networkTimeoutMs != null) {
            c.setNetworkTimeout(networkTimeoutExecutor, networkTimeoutMs);
        }
        for (Map.Entry<String, String> e : clientInfo.entrySet()) {
            c.setClientInfo(e.getKey(), e.getValue());
        }
        if (c.getAutoCommit() != autoCommit) {
            c.setAutoCommit(autoCommit);
        }
    }
}
