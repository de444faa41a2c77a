package dev.awsjca.plugins.readwritesplitting;

import dev.awsjca.pipeline.ConnectionPlugin;
import dev.awsjca.pipeline.ConnectionPluginFactory;
import dev.awsjca.pipeline.PluginContext;

/** {@code plugins=readWriteSplitting}. */
public final class ReadWriteSplittingPluginFactory implements ConnectionPluginFactory {

    /** The plugin's name in property {@code plugins}. */
    public static final String CODE = "readWriteSplitting";

    @Override
    public String code() {
        return CODE;
    }

    @Override
    public ConnectionPlugin create(PluginContext context) {
        return new ReadWriteSplittingPlugin(context, SplittingSettings.from(context.config()));
    }
}
