package dev.awsjca.plugins.iam;

import dev.awsjca.config.ConfigurationException;
import dev.awsjca.pipeline.ConnectionPlugin;
import dev.awsjca.pipeline.ConnectionPluginFactory;
import dev.awsjca.pipeline.PluginContext;

import java.sql.SQLException;
import java.sql.SQLNonTransientConnectionException;

/** {@code plugins=iam}. One token cache for every connection this adapter opens. */
public final class IamAuthPluginFactory implements ConnectionPluginFactory {

    private final IamTokens tokens = new IamTokens();

    @Override
    public String code() {
        return "iam";
    }

    @Override
    public ConnectionPlugin create(PluginContext context) throws SQLException {
        try {
            return new IamAuthPlugin(tokens, IamSettings.from(context.config()), context.metrics().credentials(code()));
        } catch (ConfigurationException e) {
            throw new SQLNonTransientConnectionException(e.getMessage(), "08001", e);
        }
    }
}
