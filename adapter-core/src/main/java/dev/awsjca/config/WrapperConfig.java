package dev.awsjca.config;


import dev.awsjca.topology.HostSpec;
import org.postgresql.PGProperty;

import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Properties;

/**
 * A checked, immutable configuration of the adapter: the URL's hosts and database, a typed value for
 * every adapter property given, and the properties that pass through to pgjdbc. Parameters in the URL
 * win over the same names given elsewhere, as in pgjdbc.
 */
public final class WrapperConfig {

    private final String url;
    private final List<HostSpec> hosts;
    private final String database;
    private final Map<Property<?>, Object> values;
    private final Map<String, String> driverProperties;

    private WrapperConfig(String url, List<HostSpec> hosts, String database, Map<Property<?>, Object> values,
                          Map<String, String> driverProperties) {
        this.url = url;
        this.hosts = hosts;
        this.database = database;
        this.values = values;
        this.driverProperties = driverProperties;
    }

    /**
     * Checks and reads a configuration.
     *
     * @param url  the JDBC URL
     * @param info other properties (the driver's {@code Properties}, a DataSource's settings); may be null
     * @throws ConfigurationException naming the first property at fault
     */
    public static WrapperConfig from(String url, Properties info) {
        WrapperUrl parsed = WrapperUrl.parse(url);
        Map<String, String> given = new LinkedHashMap<>();
        if (info != null) {
            for (String name : info.stringPropertyNames()) {
                given.put(name, info.getProperty(name));
            }
        }
        String urlInProperties = given.remove(WrapperProperties.URL.name());
        if (urlInProperties != null && !urlInProperties.equals(url)) {
            throw new ConfigurationException("url", "Property 'url' is given twice with different values:"
                    + " set the URL in one place");
        }
        given.putAll(parsed.parameters());

        Map<Property<?>, Object> values = new HashMap<>();
        Map<String, String> passThrough = new LinkedHashMap<>();
        for (Map.Entry<String, String> e : given.entrySet()) {
            Property<?> property = WrapperProperties.byName(e.getKey());
            if (property == WrapperProperties.URL) {
                throw new ConfigurationException("url", "Property 'url' cannot be a parameter of the URL itself");
            }
            if (property != null) {
                values.put(property, property.parse(e.getValue()));
            } else {
                rejectMisspelling(e.getKey());
                passThrough.put(e.getKey(), e.getValue());
            }
        }
        // pgjdbc logs in with these too
        copy(values, WrapperProperties.USER, passThrough);
        copy(values, WrapperProperties.PASSWORD, passThrough);
        if ("reader".equals(values.get(WrapperProperties.ROLE)) && "strict-writer".equals(values.get(WrapperProperties.FAILOVER_MODE))) {
            throw new ConfigurationException(WrapperProperties.FAILOVER_MODE.name(), "Property 'failoverMode' is"
                    + " 'strict-writer' but property 'role' is 'reader': a reader definition's connections go to readers;"
                    + " use failoverMode=reader-or-writer (the default with role=reader) or strict-reader, or role=writer");
        }
        return new WrapperConfig(url, parsed.hosts(), parsed.database(), Collections.unmodifiableMap(values),
                Collections.unmodifiableMap(passThrough));
    }

    private static void copy(Map<Property<?>, Object> values, Property<String> property, Map<String, String> to) {
        Object value = values.get(property);
        if (value != null) {
            to.put(property.name(), (String) value);
        }
    }

    /**
     * A name that is not ours but is one or two typing mistakes away from ours, and not pgjdbc's either,
     * is almost certainly a misspelling that would otherwise be ignored silently: refuse it.
     */
    public static void rejectMisspelling(String name) {
        if (PGProperty.forName(name) != null) {
            return;
        }
        for (Property<?> p : WrapperProperties.all()) {
            if (name.equalsIgnoreCase(p.name())
                    || (name.length() > 4 && editDistance(name.toLowerCase(Locale.ROOT), p.name().toLowerCase(Locale.ROOT)) <= 2)) {
                throw new ConfigurationException(name, "Unknown property '" + name + "': did you mean '" + p.name() + "'?"
                        + " (property names are case-sensitive)");
            }
        }
    }

    static int editDistance(String a, String b) {
        int[] previous = new int[b.length() + 1];
        int[] current = new int[b.length() + 1];
        for (int j = 0; j <= b.length(); j++) {
            previous[j] = j;
        }
        for (int i = 1; i <= a.length(); i++) {
            current[0] = i;
            for (int j = 1; j <= b.length(); j++) {
                int substitute = previous[j - 1] + (a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1);
                current[j] = Math.min(substitute, Math.min(previous[j], current[j - 1]) + 1);
            }
            int[] swap = previous;
            previous = current;
            current = swap;
        }
        return previous[b.length()];
    }

    /** The value given for the property, else its default (null when it has none). */
    @SuppressWarnings("unchecked")
    public <T> T get(Property<T> property) {
        Object value = values.get(property);
        return value != null ? (T) value : property.defaultValue();
    }

    /** Whether the property was given (not just defaulted). */
    public boolean isSet(Property<?> property) {
        return values.containsKey(property);
    }

    /** The URL as given. It may carry a password: show it with {@link WrapperUrl#redact}. */
    public String url() {
        return url;
    }

    public List<HostSpec> hosts() {
        return hosts;
    }

    /** The database name; empty when the URL names none (pgjdbc then uses the user's name). */
    public String database() {
        return database;
    }

    /** Whether connections are for read-only work on readers ({@code role=reader}). */
    public boolean readerRole() {
        return "reader".equals(get(WrapperProperties.ROLE));
    }

    /**
     * {@code failoverMode} as given, else its default: with {@code role=reader} reader-or-writer (strict-reader
     * when {@code readerFallback=fail}), for a reader endpoint ({@code .cluster-ro-}) reader-or-writer, else
     * strict-writer. The one place that decides it.
     */
    public String failoverMode() {
        String mode = get(WrapperProperties.FAILOVER_MODE);
        if (mode != null) {
            return mode;
        }
        if (readerRole()) {
            return "fail".equals(get(WrapperProperties.READER_FALLBACK)) ? "strict-reader" : "reader-or-writer";
        }
        return hosts.get(0).host().toLowerCase(java.util.Locale.ROOT).contains(".cluster-ro-") ? "reader-or-writer" : "strict-writer";
    }

    public List<String> pluginCodes() {
        return get(WrapperProperties.PLUGINS);
    }

    /** What pgjdbc gets: every property that is not the adapter's, plus user and password. A new copy. */
    public Properties driverProperties() {
        Properties p = new Properties();
        p.putAll(driverProperties);
        return p;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof WrapperConfig other && url.equals(other.url) && values.equals(other.values)
                && driverProperties.equals(other.driverProperties);
    }

    @Override
    public int hashCode() {
        return Objects.hash(url, driverProperties);
    }

    /** Secrets and password-like pass-through values are shown as ***. */
    @Override
    public String toString() {
        StringBuilder b = new StringBuilder("WrapperConfig{url=").append(WrapperUrl.redact(url));
        for (Property<?> p : WrapperProperties.all()) {
            if (values.containsKey(p)) {
                b.append(", ").append(p.name()).append('=').append(p.isSecret() ? "***" : values.get(p));
            }
        }
        driverProperties.forEach((name, value) -> {
            if (WrapperProperties.byName(name) == null) {
                b.append(", ").append(name).append('=')
                        .append(name.toLowerCase(Locale.ROOT).contains("password") ? "***" : value);
            }
        });
        return b.append('}').toString();
    }
}
