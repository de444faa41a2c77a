package dev.awsjca.config;

import dev.awsjca.topology.HostSpec;

import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

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

    /**
     * True for the URLs this adapter's driver claims (not plain pgjdbc ones: pgjdbc keeps those). Every
     * {@code jdbc:aws-wrapper:} URL is claimed, also a misspelt one: it then gets this adapter's clear,
     * redacted error instead of DriverManager's "No suitable driver", which repeats the URL with its password.
     */
    public static boolean isWrapperUrl(String url) {
        return url != null && url.startsWith(WRAPPER_SCHEME);
    }

    private static final String WRAPPER_SCHEME = "jdbc:aws-wrapper:";

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
        String rawDatabase = slash < 0 ? "" : beforeQuery.substring(slash + 1);
        if (rawDatabase.contains("=") || rawDatabase.contains("&")) {
            // "host/db&password=x" or "host/db;password=x": parameters that missed the '?', never a name to send
            throw malformed(url, "the database name contains '=' or '&': parameters go after a '?'"
                    + " (a database name with these characters is written %3D, %26)");
        }
        String database = decode(url, rawDatabase, "the database name");
        if (database.contains("/")) {
            throw malformed(url, "the database name contains '/'");
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
                String name = decode(url, eq < 0 ? pair : pair.substring(0, eq), "a parameter's name");
                if (name.isEmpty()) {
                    throw malformed(url, "a parameter has no name ('=' right after '?' or '&')");
                }
                parameters.put(name, eq < 0 ? "" : decode(url, pair.substring(eq + 1), "the value of parameter '" + name + "'"));
            }
        }
        return new WrapperUrl(hosts, database, parameters);
    }

    private static HostSpec host(String url, String part) {
        if (part.isEmpty()) {
            throw malformedHost("a host is empty");
        }
        if (part.contains("@")) {
            throw malformedHost("a login cannot be written before the host (user:password@host):"
                    + " set the user and password properties");
        }
        String host;
        String port = null;
        if (part.startsWith("[")) {
            int close = part.indexOf(']');
            if (close < 0) {
                throw malformedHost("an IPv6 address has no closing ']'");
            }
            host = part.substring(1, close);
            String after = part.substring(close + 1);
            if (!after.isEmpty()) {
                if (!after.startsWith(":")) {
                    throw malformedHost("unexpected text after the IPv6 address " + host + " (expected ':port')");
                }
                port = after.substring(1);
            }
        } else {
            int colon = part.indexOf(':');
            host = colon < 0 ? part : part.substring(0, colon);
            port = colon < 0 ? null : part.substring(colon + 1);
        }
        if (host.isEmpty()) {
            throw malformedHost("a host is empty (nothing before ':port')");
        }
        int portNumber = DEFAULT_PORT;
        if (port != null) {
            try {
                portNumber = Integer.parseInt(port);
            } catch (NumberFormatException e) {
                portNumber = -1;
            }
            if (portNumber < 1 || portNumber > 65535) {
                // the text is shown only when it is a number: anything else typed there may be a password
                throw malformedHost("the port " + (port.matches("\\d{1,9}") ? "'" + port + "' " : "")
                        + "of host " + host + " is not a number from 1 to 65535");
            }
        }
        return HostSpec.of(host, portNumber);
    }

    /** Never repeats the text: a value that cannot be decoded may be a password. */
    private static String decode(String url, String text, String what) {
        try {
            return URLDecoder.decode(text, StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            throw malformed(url, what + " is not valid URL encoding (a '%' starts a %XX escape; write '%' itself as %25)");
        }
    }

    /**
     * The host list is malformed: the URL is not shown at all, since what was typed where a host or port
     * goes may be anything (a password, a login), which no redaction can recognise.
     */
    private static ConfigurationException malformedHost(String why) {
        return new ConfigurationException("url", "Malformed value for property 'url': " + why);
    }

    /** The URL may carry a password parameter: it is never repeated in the message. */
    private static ConfigurationException malformed(String url, String why) {
        return new ConfigurationException("url", "Malformed value for property 'url'"
                + (url.isEmpty() ? "" : " '" + redact(url) + "'") + ": " + why);
    }

    /**
     * The URL with every secret replaced by ***: the value of each secret parameter (also where it is
     * written wrongly: a percent-encoded name, after ';' or before the '?'), and a login written before
     * the host. For messages about URLs that may be malformed in any way.
     */
    public static String redact(String url) {
        String s = redactHosts(url);
        Matcher m = PAIR.matcher(s);
        StringBuilder b = new StringBuilder();
        while (m.find()) {
            String replacement = isSecretName(m.group(2)) ? m.group(1) + m.group(2) + "=***" : m.group();
            m.appendReplacement(b, Matcher.quoteReplacement(replacement));
        }
        m.appendTail(b);
        return b.toString();
    }

    /** The host list as given when each entry is a host with an optional numeric port; else *** (a login, a password typed there). */
    private static String redactHosts(String url) {
        int start = url.indexOf("//");
        if (start < 0) {
            return url;
        }
        start += 2;
        int end = start;
        while (end < url.length() && url.charAt(end) != '/' && url.charAt(end) != '?') {
            end++;
        }
        for (String part : url.substring(start, end).split(",", -1)) {
            if (!HOST_PART.matcher(part).matches()) {
                return url.substring(0, start) + "***" + url.substring(end);
            }
        }
        return url;
    }

    private static final Pattern HOST_PART = Pattern.compile("(\\[[0-9a-fA-F:.%]*\\]|[^\\[\\]:@;&=]*)(:\\d{1,5})?");
    // a name=value pair after any separator a user may have used; the value runs to the next & or ;
    private static final Pattern PAIR = Pattern.compile("([?&;/])([^?&;/=]*)=([^&;]*)");

    private static boolean isSecretName(String raw) {
        if (raw.isBlank()) {
            return true; // a value without a name: nobody knows what it is
        }
        String name;
        try {
            name = URLDecoder.decode(raw, StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            name = raw;
        }
        Property<?> p = WrapperProperties.byName(name);
        return (p != null && p.isSecret()) || name.toLowerCase(Locale.ROOT).contains("password")
                || raw.toLowerCase(Locale.ROOT).contains("password");
    }
}
