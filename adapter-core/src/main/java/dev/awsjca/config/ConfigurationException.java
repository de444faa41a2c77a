package dev.awsjca.config;

/**
 * A configuration the adapter refuses, naming the property, the value given (never for secrets) and what
 * is allowed. Thrown where the configuration is made: by the driver before it connects, by DataSource
 * setters, and by the resource adapter at deployment.
 */
public final class ConfigurationException extends IllegalArgumentException {

    private final String property;

    public ConfigurationException(String property, String message) {
        super(message);
        this.property = property;
    }

    /** The property at fault, as a user writes it (e.g. {@code failoverTimeoutMs}). */
    public String property() {
        return property;
    }

    static ConfigurationException invalidValue(Property<?> property, String value, String expected) {
        // a login written into a URL-like value (https://user:password@host) is a secret of its own
        String shown = property.isSecret() ? "" : " '" + value.replaceAll("//[^/?#]*@", "//***@") + "'";
        return new ConfigurationException(property.name(),
                "Invalid value" + shown + " for property '" + property.name() + "': expected " + expected);
    }
}
