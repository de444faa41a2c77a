package dev.awsjca.config;

/**
 * One configuration property: its name (the same in URLs, Properties, DataSource setters, and, with a
 * capital first letter, JCA config-properties), type, default, and what reads it.
 *
 * @param <T> the type of its value
 */
public final class Property<T> {

    private final String name;
    private final PropertyType<T> type;
    private final T defaultValue;
    private final String defaultText;
    private final String usedBy;
    private final String description;
    private final boolean secret;
    private final String example;

    Property(String name, PropertyType<T> type, String defaultText, String usedBy, boolean secret, String description) {
        this(name, type, defaultText, usedBy, secret, null, description);
    }

    Property(String name, PropertyType<T> type, String defaultText, String usedBy, boolean secret, String example,
             String description) {
        this(name, type, defaultText, defaultText == null ? null : type.parse(defaultText), usedBy, secret, example,
                description);
    }

    /** With a default given as a value: for a type whose parse checks what only exists later (plugin codes). */
    Property(String name, PropertyType<T> type, String defaultText, T defaultValue, String usedBy, boolean secret,
             String example, String description) {
        this.name = name;
        this.type = type;
        this.defaultText = defaultText;
        this.defaultValue = defaultValue;
        this.usedBy = usedBy;
        this.secret = secret;
        this.example = example;
        this.description = description;
    }

    public String name() {
        return name;
    }

    /** The JCA config-property name: the name with its first letter upper-cased ({@code FailoverTimeoutMs}). */
    public String configPropertyName() {
        return Character.toUpperCase(name.charAt(0)) + name.substring(1);
    }

    public PropertyType<T> type() {
        return type;
    }

    /** The value when none is given; null when there is none (the property is optional or detected). */
    public T defaultValue() {
        return defaultValue;
    }

    /** The default as written in docs; null when there is none. */
    public String defaultText() {
        return defaultText;
    }

    /** {@code core} or the code of the plugin that reads it. */
    public String usedBy() {
        return usedBy;
    }

    /** A value as a user would write it, for the configuration reference; null when none was declared. */
    public String example() {
        return example;
    }

    public String description() {
        return description;
    }

    /** A password or similar: its value never appears in messages, logs or toString(). */
    public boolean isSecret() {
        return secret;
    }

    /** Parses a value for this property, or throws naming the property, the value and what is allowed. */
    public T parse(String text) {
        if (text == null) {
            throw new ConfigurationException(name, "Property '" + name + "' has no value: expected " + type.expected());
        }
        try {
            return type.parse(text);
        } catch (IllegalArgumentException e) {
            throw ConfigurationException.invalidValue(this, text, e.getMessage());
        }
    }

    @Override
    public String toString() {
        return name;
    }
}
