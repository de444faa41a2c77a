package dev.awsjca.pipeline;

import java.util.Collections;
import java.util.EnumSet;
import java.util.Set;
import java.util.regex.Pattern;

/** Subscriptions made easy: every method, or those matching a pattern. */
public final class JdbcMethods {

    /** Every JDBC method of every wrapped interface. */
    public static final Set<JdbcMethod> ALL = Collections.unmodifiableSet(EnumSet.allOf(JdbcMethod.class));

    /** No method: the plugin only takes part in connect and notifications. */
    public static final Set<JdbcMethod> NONE = Collections.unmodifiableSet(EnumSet.noneOf(JdbcMethod.class));

    private JdbcMethods() {
    }

    /**
     * The methods whose {@code Interface.method} name matches one of the patterns, where {@code *} is any
     * run of characters: {@code "Statement.execute*"}, {@code "*.execute*"}, {@code "Connection.commit"}.
     */
    public static Set<JdbcMethod> matching(String... patterns) {
        EnumSet<JdbcMethod> result = EnumSet.noneOf(JdbcMethod.class);
        for (String pattern : patterns) {
            Pattern regex = Pattern.compile(("\\Q" + pattern + "\\E").replace("*", "\\E.*\\Q"));
            int before = result.size();
            for (JdbcMethod m : JdbcMethod.values()) {
                if (regex.matcher(m.toString()).matches()) {
                    result.add(m);
                }
            }
            if (result.size() == before && !pattern.contains("*")) {
                throw new IllegalArgumentException("no JDBC method is named '" + pattern + "'");
            }
        }
        return Collections.unmodifiableSet(result);
    }
}
