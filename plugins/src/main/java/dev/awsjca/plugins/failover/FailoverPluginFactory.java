package dev.awsjca.plugins.failover;

import dev.awsjca.pipeline.ConnectionPlugin;
import dev.awsjca.pipeline.ConnectionPluginFactory;
import dev.awsjca.pipeline.PluginContext;

/** {@code plugins=failover}. */
public final class FailoverPluginFactory implements ConnectionPluginFactory {

    @Override
    public String code() {
        return "failover";
    }

    @Override
    public ConnectionPlugin create(PluginContext context) {
        return new FailoverPlugin(context, FailoverSettings.from(context.config()));
    }
}
