package dev.awsjca.pipeline;

import java.sql.SQLException;

/**
 * Makes a plugin for each logical connection. Found through {@link java.util.ServiceLoader} by its
 * {@link #code()}, the name used in the {@code plugins} property.
 */
public interface ConnectionPluginFactory {

    /** The code in {@code plugins=}, e.g. {@code failover}. */
    String code();

    ConnectionPlugin create(PluginContext context) throws SQLException;
}
