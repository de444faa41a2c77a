package dev.awsjca.plugins.failover;

import dev.awsjca.pipeline.JdbcCall;
import dev.awsjca.pipeline.JdbcMethod;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.Executor;

/**
 * The session settings the application changed on its connection, recorded as they succeed, so that a
 * new physical connection after a failover is set up the same way.
 */
final class SessionState {

    private boolean autoCommit = true;
    private Boolean readOnly;
    private Integer isolation;
    private String schema;
    private Integer holdability;
    private Executor networkTimeoutExecutor;
    private Integer networkTimeoutMs;
    private final Map<String, String> clientInfo = new LinkedHashMap<>();

    /** Records a setter the application called successfully. */
    void record(JdbcCall<?> call) {
        Object[] a = call.args();
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

    static boolean isSetter(JdbcMethod m) {
        return switch (m) {
            case CONNECTION_SET_AUTO_COMMIT, CONNECTION_SET_READ_ONLY, CONNECTION_SET_TRANSACTION_ISOLATION,
                    CONNECTION_SET_SCHEMA, CONNECTION_SET_HOLDABILITY, CONNECTION_SET_NETWORK_TIMEOUT,
                    CONNECTION_SET_CLIENT_INFO -> true;
            default -> false;
        };
    }

    boolean autoCommit() {
        return autoCommit;
    }

    boolean readOnly() {
        return readOnly != null && readOnly;
    }

    /** Sets a new physical connection up as the application had set the old one; autocommit last. */
    void applyTo(Connection c) throws SQLException {
        if (isolation != null) {
            c.setTransactionIsolation(isolation);
        }
        if (readOnly != null) {
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
        if (!autoCommit) {
            c.setAutoCommit(false);
        }
    }
}
