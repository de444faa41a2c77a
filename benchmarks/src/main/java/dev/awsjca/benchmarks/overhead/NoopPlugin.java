package dev.awsjca.benchmarks.overhead;

import dev.awsjca.pipeline.ConnectionPlugin;
import dev.awsjca.pipeline.ConnectionPluginFactory;
import dev.awsjca.pipeline.JdbcMethod;
import dev.awsjca.pipeline.JdbcMethods;
import dev.awsjca.pipeline.PluginContext;

import java.util.Set;

/**
 * A plugin subscribed to every JDBC method that does nothing but pass the call on: what the pipeline
 * itself costs per plugin. Three codes so that a connection can run three of them.
 */
public final class NoopPlugin implements ConnectionPlugin {

    @Override
    public Set<JdbcMethod> subscribedMethods() {
        return JdbcMethods.ALL;
    }

    abstract static class Factory implements ConnectionPluginFactory {
        @Override
        public ConnectionPlugin create(PluginContext context) {
            return new NoopPlugin();
        }
    }

    public static final class A extends Factory {
        public String code() {
            return "noopA";
        }
    }

    public static final class B extends Factory {
        public String code() {
            return "noopB";
        }
    }

    public static final class C extends Factory {
        public String code() {
            return "noopC";
        }
    }
}
