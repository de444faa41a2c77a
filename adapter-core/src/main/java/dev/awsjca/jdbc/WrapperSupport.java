package dev.awsjca.jdbc;

import dev.awsjca.pipeline.JdbcChain;

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

    /** The pgjdbc object calls go to. */
    protected abstract Wrapper delegate();

    @Override
    public <T> T unwrap(Class<T> iface) throws SQLException {
        return iface.isInstance(this) ? iface.cast(this) : delegate().unwrap(iface);
    }

    @Override
    public boolean isWrapperFor(Class<?> iface) throws SQLException {
        return iface.isInstance(this) || delegate().isWrapperFor(iface);
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

    @Override
    public String toString() {
        return getClass().getSimpleName() + "[" + delegate() + "]";
    }
}
