package dev.awsjca.plugins.iam;

import dev.awsjca.config.ConfigurationException;
import dev.awsjca.config.WrapperConfig;
import dev.awsjca.config.WrapperProperties;

import java.util.Locale;

/** The iam plugin's view of the configuration, checked when a connection is opened. */
record IamSettings(String region, String signedHost, Integer signedPort, long tokenLifetimeS, String profile) {

    static IamSettings from(WrapperConfig config) {
        String sslmode = config.driverProperties().getProperty("sslmode", "").toLowerCase(Locale.ROOT);
        boolean ssl = !"false".equalsIgnoreCase(config.driverProperties().getProperty("ssl", ""));
        boolean plaintext = sslmode.equals("disable") || sslmode.equals("allow") || !ssl;
        if (plaintext && !config.get(WrapperProperties.IAM_ALLOW_PLAINTEXT)) {
            throw new ConfigurationException("sslmode", "The iam plugin needs TLS: sslmode=" + (sslmode.isEmpty() ? "(ssl=false)" : sslmode)
                    + " would send tokens in clear text, and RDS refuses IAM logins without TLS."
                    + " Use sslmode=require or verify-full (set iamAllowPlaintext=true only for local tests)");
        }
        if (config.driverProperties().getProperty("user") == null) {
            throw new ConfigurationException("user", "The iam plugin needs property 'user': the database user the token is for");
        }
        return new IamSettings(config.get(WrapperProperties.IAM_REGION), config.get(WrapperProperties.IAM_HOST),
                config.get(WrapperProperties.IAM_PORT), config.get(WrapperProperties.IAM_TOKEN_LIFETIME_S),
                config.get(WrapperProperties.AWS_PROFILE));
    }
}
