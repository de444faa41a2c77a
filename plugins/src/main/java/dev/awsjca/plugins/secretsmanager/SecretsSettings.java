package dev.awsjca.plugins.secretsmanager;

import dev.awsjca.config.ConfigurationException;
import dev.awsjca.config.WrapperConfig;
import dev.awsjca.config.WrapperProperties;

import java.net.URI;

/** The secretsManager plugin's view of the configuration. */
record SecretsSettings(String secretId, String region, URI endpoint, long ttlS, String profile, long timeoutMs) {

    static SecretsSettings from(WrapperConfig config) {
        String secretId = config.get(WrapperProperties.SECRET_ID);
        if (secretId == null || secretId.isBlank()) {
            throw new ConfigurationException("secretId", "The secretsManager plugin needs property 'secretId':"
                    + " the name or ARN of the secret holding username and password");
        }
        String region = config.get(WrapperProperties.REGION);
        String arnRegion = regionOfArn(secretId);
        if (region == null) {
            region = arnRegion;
        } else if (arnRegion != null && !arnRegion.equals(region)) {
            throw new ConfigurationException("region", "Property 'region' is " + region + " but the secret's ARN is in "
                    + arnRegion + ": leave 'region' out, or make them agree");
        }
        return new SecretsSettings(secretId, region, config.get(WrapperProperties.SECRETS_MANAGER_ENDPOINT),
                config.get(WrapperProperties.SECRETS_CACHE_TTL_S), config.get(WrapperProperties.AWS_PROFILE),
                config.get(WrapperProperties.SECRETS_MANAGER_TIMEOUT_MS));
    }

    /** arn:aws:secretsmanager:REGION:ACCOUNT:secret:NAME, or null when the id is a name. */
    static String regionOfArn(String secretId) {
        String[] parts = secretId.split(":", 6);
        return parts.length == 6 && parts[0].equals("arn") && parts[2].equals("secretsmanager") ? parts[3] : null;
    }
}
