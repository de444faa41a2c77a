package dev.awsjca.pipeline;

import java.util.Collections;
import java.util.Map;
import java.util.ServiceConfigurationError;
import java.util.ServiceLoader;
import java.util.TreeMap;

/** The plugin factories on the class path, by code. Loaded once, from the adapter's own class loader. */
public final class PluginRegistry {

    private static volatile PluginRegistry installed;

    private final Map<String, ConnectionPluginFactory> factories;

    private PluginRegistry(Map<String, ConnectionPluginFactory> factories) {
        this.factories = Collections.unmodifiableMap(factories);
    }

    /** The factories found through {@code META-INF/services/dev.awsjca.pipeline.ConnectionPluginFactory}. */
    public static PluginRegistry installed() {
        PluginRegistry registry = installed;
        if (registry == null) {
            synchronized (PluginRegistry.class) {
                registry = installed;
                if (registry == null) {
                    registry = load(PluginRegistry.class.getClassLoader());
                    installed = registry;
                }
            }
        }
        return registry;
    }

    static PluginRegistry load(ClassLoader loader) {
        Map<String, ConnectionPluginFactory> found = new TreeMap<>();
        try {
            for (ConnectionPluginFactory factory : ServiceLoader.load(ConnectionPluginFactory.class, loader)) {
                ConnectionPluginFactory clash = found.putIfAbsent(factory.code(), factory);
                if (clash != null) {
                    throw new IllegalStateException("two plugin factories claim the code '" + factory.code() + "': "
                            + clash.getClass().getName() + " and " + factory.getClass().getName());
                }
            }
        } catch (ServiceConfigurationError e) {
            throw new IllegalStateException("a plugin factory could not be loaded: " + e.getMessage(), e);
        }
        return new PluginRegistry(found);
    }

    public ConnectionPluginFactory factory(String code) {
        return factories.get(code);
    }

    /** Every known code, sorted: what error messages offer. */
    public java.util.Set<String> codes() {
        return factories.keySet();
    }
}
