package dev.awsjca.ra;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.Map;

/**
 * A piece of session state an application may change through its handle. The managed connection reads
 * the original value just before the first change (so an unchanged setting costs nothing) and puts it
 * back in {@code cleanup()}, before the connection serves the next component.
 */
enum SessionSetting {
    READ_ONLY("setReadOnly", Connection::isReadOnly, (c, v) -> c.setReadOnly((Boolean) v)),
    TRANSACTION_ISOLATION("setTransactionIsolation", Connection::getTransactionIsolation,
            (c, v) -> c.setTransactionIsolation((Integer) v)),
    CATALOG("setCatalog", Connection::getCatalog, (c, v) -> c.setCatalog((String) v)),
    SCHEMA("setSchema", Connection::getSchema, (c, v) -> c.setSchema((String) v)),
    HOLDABILITY("setHoldability", Connection::getHoldability, (c, v) -> c.setHoldability((Integer) v)),
    NETWORK_TIMEOUT("setNetworkTimeout", Connection::getNetworkTimeout, (c, v) -> c.setNetworkTimeout(Runnable::run, (Integer) v)),
    TYPE_MAP("setTypeMap", Connection::getTypeMap, (c, v) -> {
        @SuppressWarnings("unchecked")
        Map<String, Class<?>> map = (Map<String, Class<?>>) v;
        c.setTypeMap(map);
    });

    interface Getter {
        Object get(Connection c) throws SQLException;
    }

    interface Setter {
        void set(Connection c, Object value) throws SQLException;
    }

    private final String setterName;
    private final Getter getter;
    private final Setter setter;

    SessionSetting(String setterName, Getter getter, Setter setter) {
        this.setterName = setterName;
        this.getter = getter;
        this.setter = setter;
    }

    Object read(Connection c) throws SQLException {
        return getter.get(c);
    }

    void restore(Connection c, Object original) throws SQLException {
        setter.set(c, original);
    }

    /** The setting a Connection method changes, or null. */
    static SessionSetting changedBy(String methodName) {
        for (SessionSetting s : values()) {
            if (s.setterName.equals(methodName)) {
                return s;
            }
        }
        return null;
    }
}
