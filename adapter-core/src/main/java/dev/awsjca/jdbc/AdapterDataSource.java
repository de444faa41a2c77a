package dev.awsjca.jdbc;

import javax.sql.DataSource;
import java.sql.SQLException;
import java.sql.SQLFeatureNotSupportedException;
import java.util.logging.Logger;

/**
 * What the adapter's two DataSources (the Java SE one and the resource adapter's connection factory)
 * answer alike: they wrap nothing, and log under {@code dev.awsjca}. Stateless, so serializable
 * subclasses stay so.
 */
public abstract class AdapterDataSource implements DataSource {

    @Override
    public final Logger getParentLogger() throws SQLFeatureNotSupportedException {
        return Logger.getLogger("dev.awsjca");
    }

    @Override
    public final <T> T unwrap(Class<T> iface) throws SQLException {
        if (iface.isInstance(this)) {
            return iface.cast(this);
        }
        throw new SQLException(getClass().getSimpleName() + " does not wrap a " + iface.getName());
    }

    @Override
    public final boolean isWrapperFor(Class<?> iface) {
        return iface.isInstance(this);
    }
}
