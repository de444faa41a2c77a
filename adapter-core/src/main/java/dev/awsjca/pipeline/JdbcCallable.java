package dev.awsjca.pipeline;

import java.sql.SQLException;

/** The call into the driver's object at the end of a chain. */
@FunctionalInterface
public interface JdbcCallable<T> {
    T call() throws SQLException;
}
