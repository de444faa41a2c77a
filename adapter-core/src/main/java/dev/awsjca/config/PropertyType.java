package dev.awsjca.config;

import java.net.URI;
import java.net.URISyntaxException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.function.Function;
import java.util.function.Predicate;
import java.util.function.Supplier;
import java.util.regex.Pattern;

/**
 * How a property's text becomes a value, and what text is allowed. {@link #parse} throws
 * IllegalArgumentException whose message completes "expected ...".
 */
public final class PropertyType<T> {

    private static final Pattern REGION = Pattern.compile("[a-z]{2}(-[a-z]+)+-\\d+");

    private final String kind;
    private final String expected;
    private final List<String> choices;
    private final Function<String, T> parser;

    private PropertyType(String kind, String expected, List<String> choices, Function<String, T> parser) {
        this.kind = kind;
        this.expected = expected;
        this.choices = List.copyOf(choices);
        this.parser = parser;
    }

    /** Parses the text, or throws IllegalArgumentException with the expectation as its message. */
    public T parse(String text) {
        T value;
        try {
            value = parser.apply(text.trim());
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(e.getMessage() == null ? expected : e.getMessage(), e);
        }
        if (value == null) {
            throw new IllegalArgumentException(expected);
        }
        return value;
    }

    /** The type's name in the configuration reference: "milliseconds", "boolean", "enum", ... */
    public String kind() {
        return kind;
    }

    /** What is allowed, as a phrase: "a whole number of milliseconds, 1 or more". */
    public String expected() {
        return expected;
    }

    /** The allowed values of an enumerated property; empty otherwise. */
    public List<String> choices() {
        return choices;
    }

    public static PropertyType<String> text() {
        return text("any text");
    }

    /** Text checked elsewhere (the URL's own parser), described as given. */
    public static PropertyType<String> text(String expected) {
        return new PropertyType<>("string", expected, List.of(), s -> s);
    }

    /** A short label shown in metrics and JMX names: 1 to 100 printable characters, not blank. */
    public static PropertyType<String> label() {
        String expected = "a name of 1 to 100 printable characters";
        return new PropertyType<>("string", expected, List.of(), s -> !s.isEmpty() && s.length() <= 100
                && s.codePoints().noneMatch(Character::isISOControl) ? s : null);
    }

    /** {@code true} or {@code false}, nothing else (no "yes", no "1"): a typo must not read as false. */
    public static PropertyType<Boolean> bool() {
        return new PropertyType<>("boolean", "true or false", List.of("true", "false"),
                s -> s.equals("true") ? Boolean.TRUE : s.equals("false") ? Boolean.FALSE : null);
    }

    public static PropertyType<Long> millis(long min) {
        return wholeNumber("milliseconds", "a whole number of milliseconds, " + min + " or more", min, Long.MAX_VALUE);
    }

    public static PropertyType<Long> seconds(long min, long max) {
        return wholeNumber("seconds", "a whole number of seconds from " + min + " to " + max, min, max);
    }

    public static PropertyType<Integer> count(int min, int max) {
        PropertyType<Long> n = wholeNumber("integer", "a whole number from " + min + " to " + max, min, max);
        return new PropertyType<>(n.kind, n.expected, List.of(), s -> n.parser.apply(s).intValue());
    }

    public static PropertyType<Integer> port() {
        return count(1, 65535);
    }

    private static PropertyType<Long> wholeNumber(String kind, String expected, long min, long max) {
        return new PropertyType<>(kind, expected, List.of(), s -> {
            long n;
            try {
                n = Long.parseLong(s);
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException(expected);
            }
            if (n < min || n > max) {
                throw new IllegalArgumentException(expected);
            }
            return n;
        });
    }

    /** One of the given values, compared exactly (they are written in docs in one spelling). */
    public static PropertyType<String> oneOf(String... values) {
        List<String> allowed = Arrays.asList(values);
        String expected = "one of " + String.join(", ", allowed);
        return new PropertyType<>("enum", expected, allowed, s -> {
            if (!allowed.contains(s)) {
                throw new IllegalArgumentException(expected);
            }
            return s;
        });
    }

    /** An AWS region name such as {@code us-east-1}. */
    public static PropertyType<String> region() {
        String expected = "an AWS region name such as us-east-1";
        return new PropertyType<>("AWS region", expected, List.of(), s -> REGION.matcher(s).matches() ? s : null);
    }

    /** An http or https URL with a host, e.g. a VPC endpoint or a local test endpoint. */
    public static PropertyType<URI> httpEndpoint() {
        String expected = "an http:// or https:// URL with a host, e.g. https://secretsmanager.us-east-1.amazonaws.com";
        return new PropertyType<>("URL", expected, List.of(), s -> {
            try {
                URI uri = new URI(s);
                String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
                return (scheme.equals("http") || scheme.equals("https")) && uri.getHost() != null ? uri : null;
            } catch (URISyntaxException e) {
                return null;
            }
        });
    }

    /**
     * An instance endpoint pattern: {@code ?} stands for the instance id, with an optional {@code :port}:
     * {@code ?.cluster-xyz.us-east-1.rds.amazonaws.com}, {@code 127.0.0.?:5432}.
     */
    public static PropertyType<HostPattern> hostPattern() {
        return new PropertyType<>("host pattern", HostPattern.EXPECTED, List.of(), HostPattern::parse);
    }

    /** Comma-separated plugin codes, each known to the registry given, none twice. Empty: no plugins. */
    public static PropertyType<List<String>> pluginCodes(Predicate<String> known, Supplier<? extends Collection<String>> allCodes) {
        return new PropertyType<>("list", "comma-separated plugin codes", List.of(), s -> {
            List<String> codes = new ArrayList<>();
            if (s.isEmpty() || s.equals("none")) {
                return codes; // "none" for servers that refuse an empty value (WildFly's config-property)
            }
            for (String part : s.split(",", -1)) {
                String code = part.trim();
                if (code.isEmpty()) {
                    throw new IllegalArgumentException("comma-separated plugin codes without empty entries; known codes: "
                            + String.join(", ", allCodes.get()));
                }
                if (!known.test(code)) {
                    throw new IllegalArgumentException("known plugin codes (" + String.join(", ", allCodes.get())
                            + "); '" + code + "' is not one");
                }
                if (codes.contains(code)) {
                    throw new IllegalArgumentException("each plugin once; '" + code + "' is listed twice");
                }
                codes.add(code);
            }
            return List.copyOf(codes);
        });
    }
}
