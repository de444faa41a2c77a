package dev.awsjca.jdbc;

import dev.awsjca.pipeline.JdbcChain;

import java.sql.Array;
import java.sql.CallableStatement;
import java.sql.Connection;
import java.sql.DatabaseMetaData;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Wrapper;

/**
 * What every wrapper shares: the logical connection it belongs to, that connection's chains, and how the
 * JDBC objects it returns are wrapped so that they run the pipeline too.
 */
public abstract class WrapperSupport implements Wrapper {

    /** The logical connection: the application's Connection, whatever physical one it runs on. */
    protected final ConnectionWrapper owner;
    /** Chains by {@code JdbcMethod.ordinal()}, composed once per connection; null where nobody subscribed. */
    protected final JdbcChain[] chains;

    private final Connection madeOn;

    WrapperSupport(ConnectionWrapper owner, JdbcChain[] chains) {
        // a ConnectionWrapper passes null: it is its own owner
        this.owner = owner != null ? owner : (ConnectionWrapper) this;
        this.chains = chains;
        this.madeOn = owner == null ? null : owner.delegate();
    }

    /**
     * The physical connection this object's calls reach: for a Connection the current one, for a
     * statement or result set the one it was made on (older than the current one after a failover).
     */
    public Connection physicalConnection() {
        return madeOn;
    }

    /** The pgjdbc object calls go to (a java.sql.Wrapper, except an Array). */
    protected abstract Object delegate();

    @Override
    public <T> T unwrap(Class<T> iface) throws SQLException {
        Object d = delegate();
        if (iface.isInstance(this)) {
            return iface.cast(this);
        }
        if (d instanceof Wrapper w) {
            return w.unwrap(iface);
        }
        if (iface.isInstance(d)) {
            return iface.cast(d);
        }
        throw new SQLException("Cannot unwrap to " + iface.getName());
    }

    @Override
    public boolean isWrapperFor(Class<?> iface) throws SQLException {
        Object d = delegate();
        return iface.isInstance(this) || (d instanceof Wrapper w ? w.isWrapperFor(iface) : iface.isInstance(d));
    }

    Statement wrapStatement(Statement raw) {
        return raw == null ? null : new StatementWrapper<>(owner, raw);
    }

    PreparedStatement wrapPreparedStatementOf(PreparedStatement raw, String sql) {
        return raw == null ? null : new PreparedStatementWrapper<>(owner, raw, sql);
    }

    CallableStatement wrapCallableStatementOf(CallableStatement raw, String sql) {
        return raw == null ? null : new CallableStatementWrapper<>(owner, raw, sql);
    }

    /** A result set not made by one of our statements (metadata): its statement is found when asked. */
    ResultSet wrapResultSet(ResultSet raw) {
        return raw == null ? null : new ResultSetWrapper(owner, raw, null);
    }

    DatabaseMetaData wrapMetaData(DatabaseMetaData raw) {
        return owner.metaDataFor(raw);
    }

    Array wrapArray(Array raw) {
        return raw == null ? null : new ArrayWrapper(owner, raw);
    }

    /** A value of any type: an Array is wrapped (its result sets lead back to the connection), the rest is as is. */
    Object wrapObject(Object raw) {
        return raw instanceof Array array && !(raw instanceof ArrayWrapper) ? new ArrayWrapper(owner, array) : raw;
    }

    /** What pgjdbc is given: its own Array for one of our wrappers (it binds only its own by value). */
    static Array unwrapped(Array value) {
        return value instanceof ArrayWrapper w ? w.delegate() : value;
    }

    static Object unwrapped(Object value) {
        return value instanceof ArrayWrapper w ? w.delegate() : value;
    }

    @Override
    public String toString() {
        return getClass().getSimpleName() + "[" + delegate() + "]";
    }
}
