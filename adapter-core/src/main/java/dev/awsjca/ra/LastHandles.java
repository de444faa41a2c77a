package dev.awsjca.ra;

import java.sql.DatabaseMetaData;
import java.sql.ResultSet;
import java.util.function.Supplier;

/**
 * The handle one JDBC object last made for a result set and for its database metadata. Asked again for the
 * same object ({@code getResultSet()} after {@code executeQuery()}, {@code getMetaData()} twice) it gives
 * the same handle, as pgjdbc gives the same object. One slot per type keeps it bounded.
 */
final class LastHandles {

    private record Made(Object delegate, Object handle) {
    }

    private volatile Made resultSet;
    private volatile Made metaData;

    /** The handle of {@code delegate}: the one made last time if it is the same object, else a new one. */
    Object handleOf(Class<?> type, Object delegate, Supplier<Object> newHandle) {
        boolean kept = type == ResultSet.class || type == DatabaseMetaData.class;
        if (!kept) {
            return newHandle.get();
        }
        Made last = type == ResultSet.class ? resultSet : metaData;
        if (last != null && last.delegate() == delegate) {
            return last.handle();
        }
        Made made = new Made(delegate, newHandle.get());
        if (type == ResultSet.class) {
            resultSet = made;
        } else {
            metaData = made;
        }
        return made.handle();
    }
}
