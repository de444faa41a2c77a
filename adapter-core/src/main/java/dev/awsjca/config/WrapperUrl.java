package dev.awsjca.config;

import dev.awsjca.topology.HostSpec;

import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A parsed JDBC URL: {@code jdbc:aws-wrapper:postgresql://host[:port][,host2[:port]...]/database?prop=value}
 * ({@code jdbc:postgresql://} is accepted too). Hosts default to port 5432; IPv6 addresses go in brackets.
 */
public record WrapperUrl(List<HostSpec> hosts, String database, Map<String, String> parameters) {

    public static final String PREFIX = "jdbc:aws-wrapper:postgresql://";
    public static final String PGJDBC_PREFIX = "jdbc:postgresql://";
    private static final int DEFAULT_PORT = 5432;
    private static final String FORM = "jdbc:aws-wrapper:postgresql://host[:port][,host2[:port]...]/database?prop=value";

    public WrapperUrl {
        hosts = List.copyOf(hosts);
        parameters = Collections.unmodifiableMap(new LinkedHashMap<>(parameters));
    }

    /** True for the URLs this adapter's driver claims (not plain pgjdbc ones: pgjdbc keeps those). */
    public static boolean isWrapperUrl(String url) {
        return url != null && url.startsWith(PREFIX);
    }

    public static WrapperUrl parse(String url) {
        if (url == null || url.isBlank()) {
            throw malformed("", "no URL is set; expected " + FORM);
        }
        String rest;
        if (url.startsWith(PREFIX)) {
            rest = url.substring(PREFIX.length());
        } else if (url.startsWith(PGJDBC_PREFIX)) {
            rest = url.substring(PGJDBC_PREFIX.length());
        } else {
            throw malformed(url, "it does not start with " + PREFIX + " (or " + PGJDBC_PREFIX + ")");
        }
        int query = rest.indexOf('?');
        String beforeQuery = query < 0 ? rest : rest.substring(0, query);
        int slash = beforeQuery.indexOf('/');
        String authority = slash < 0 ? beforeQuery : beforeQuery.substring(0, slash);
        String database = slash < 0 ? "" : decode(url, beforeQuery.substring(slash + 1));
        if (database.contains("/")) {
            throw malformed(url, "the database name '" + database + "' contains '/'");
        }
        List<HostSpec> hosts = new ArrayList<>();
        for (String part : authority.split(",", -1)) {
            hosts.add(host(url, part));
        }
        Map<String, String> parameters = new LinkedHashMap<>();
        if (query >= 0) {
            for (String pair : rest.substring(query + 1).split("&")) {
                if (pair.isEmpty()) {
                    continue;
                }
                int eq = pair.indexOf('=');
                String name = decode(url, eq < 0 ? pair : pair.substring(0, eq));
                if (name.isEmpty()) {
                    throw malformed(url, "a parameter has no name ('" + pair + "')");
                }
                parameters.put(name, eq < 0 ? "" : decode(url, pair.substring(eq + 1)));
            }
        }
        return new WrapperUrl(hosts, database, parameters);
    }

    private static HostSpec host(String url, String part) {
        if (part.isEmpty()) {
            throw malformed(url, "a host is empty");
        }
        String host;
        String port = null;
        if (part.startsWith("[")) {
            int close = part.indexOf(']');
            if (close < 0) {
                throw malformed(url, "the IPv6 address in '" + part + "' has no closing ']'");
            }
            host = part.substring(1, close);
            String after = part.substring(close + 1);
            if (!after.isEmpty()) {
                if (!after.startsWith(":")) {
                    throw malformed(url, "unexpected '" + after + "' after the IPv6 address");
                }
                port = after.substring(1);
            }
        } else {
            int colon = part.indexOf(':');
            host = colon < 0 ? part : part.substring(0, colon);
            port = colon < 0 ? null : part.substring(colon + 1);
        }
        if (host.isEmpty()) {
            throw malformed(url, "a host is empty in '" + part + "'");
        }
        int portNumber = DEFAULT_PORT;
        if (port != null) {
            try {
                portNumber = Integer.parseInt(port);
            } catch (NumberFormatException e) {
                portNumber = -1;
            }
            if (portNumber < 1 || portNumber > 65535) {
                throw malformed(url, "the port '" + port + "' of host " + host + " is not a number from 1 to 65535");
            }
        }
        return HostSpec.of(host, portNumber);
    }

    private static String decode(String url, String text) {
        try {
            return URLDecoder.decode(text, StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            throw malformed(url, "'" + text + "' is not valid URL encoding");
        }
    }

    /** The URL may carry a password parameter: it is never repeated in the message. */
    private static ConfigurationException malformed(String url, String why) {
        return new ConfigurationException("url", "Malformed value for property 'url'"
                + (url.isEmpty() ? "" : " '" + redact(url) + "'") + ": " + why);
    }

    /** The URL with the value of every parameter that is a secret replaced by ***. */
    public static String redact(String url) {
        int query = url.indexOf('?');
        if (query < 0) {
            return url;
        }
        StringBuilder b = new StringBuilder(url.substring(0, query + 1));
        String[] pairs = url.substring(query + 1).split("&", -1);
        for (int i = 0; i < pairs.length; i++) {
            String pair = pairs[i];
            int eq = pair.indexOf('=');
            String name = eq < 0 ? pair : pair.substring(0, eq);
            Property<?> p = WrapperProperties.byName(name);
            boolean secret = (p != null && p.isSecret()) || name.toLowerCase().contains("password");
            b.append(i > 0 ? "&" : "").append(secret && eq >= 0 ? name + "=***" : pair);
        }
        return b.toString();
    }
}
