package dev.awsjca.pipeline;

import dev.awsjca.topology.HostSpec;

import java.util.List;
import java.util.Properties;

/**
 * What to open a physical connection to: the candidate hosts in order (the driver takes the first that
 * answers), the database, and the properties passed to the driver (user, password, pgjdbc settings).
 * Plugins change a request by making a new one ({@link #withHosts}, {@link #withProperty}).
 *
 * @param initial true for the connection the application asked for, false for one a plugin opens later
 *                (failover, reader switch)
 */
public record ConnectRequest(List<HostSpec> hosts, String database, Properties properties, boolean initial) {

    public ConnectRequest {
        if (hosts.isEmpty()) {
            throw new IllegalArgumentException("a connect request needs at least one host");
        }
        hosts = List.copyOf(hosts);
        Properties copy = new Properties();
        copy.putAll(properties);
        properties = copy;
    }

    public ConnectRequest withHosts(List<HostSpec> newHosts) {
        return new ConnectRequest(newHosts, database, properties, initial);
    }

    public ConnectRequest withProperty(String name, String value) {
        Properties copy = new Properties();
        copy.putAll(properties);
        copy.setProperty(name, value);
        return new ConnectRequest(hosts, database, copy, initial);
    }

    /** The properties are a copy: changing the returned object changes nothing. */
    @Override
    public Properties properties() {
        Properties copy = new Properties();
        copy.putAll(properties);
        return copy;
    }

    public String property(String name) {
        return properties.getProperty(name);
    }

    /** Never prints property values: they include the password. */
    @Override
    public String toString() {
        return "ConnectRequest" + hosts + "/" + database + (initial ? " (initial)" : "");
    }
}
