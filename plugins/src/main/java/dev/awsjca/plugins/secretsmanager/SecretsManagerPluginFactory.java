package dev.awsjca.plugins.secretsmanager;

import dev.awsjca.config.ConfigurationException;
import dev.awsjca.plugins.aws.ExpiringCache;
import dev.awsjca.pipeline.ConnectionPlugin;
import dev.awsjca.pipeline.ConnectionPluginFactory;
import dev.awsjca.pipeline.PluginContext;

import java.sql.SQLException;
import java.sql.SQLNonTransientConnectionException;

/** {@code plugins=secretsManager}. One cache of secrets for every connection this adapter opens. */
public final class SecretsManagerPluginFactory implements ConnectionPluginFactory {

    private final ExpiringCache<SecretsManagerPlugin.Key, DatabaseSecret> cache = new ExpiringCache<>();

    @Override
    public String code() {
        return "secretsManager";
    }

    @Override
    public ConnectionPlugin create(PluginContext context) throws SQLException {
        try {
            return new SecretsManagerPlugin(cache, SecretsSettings.from(context.config()), context.metrics().credentials(code()));
        } catch (ConfigurationException e) {
            throw new SQLNonTransientConnectionException(e.getMessage(), "08001", e);
        }
    }
}
