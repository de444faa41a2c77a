package dev.awsjca.config;

import dev.awsjca.jdbc.AwsWrapperDataSource;
import dev.awsjca.jdbc.AwsWrapperDriver;
import dev.awsjca.ra.AwsManagedConnectionFactory;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.lang.reflect.Method;
import java.sql.DriverManager;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

/**
 * Issue 12, defect 9: a password (or a login written into a URL) never shows in an error, however the
 * configuration around it is broken. The secret is fed through every way a configuration is given (URL,
 * Properties, DataSource setters, config-properties of the resource adapter) while every property of the
 * registry in turn, and every malformed URL form, makes the configuration fail; the message, every cause,
 * every toString() and every log record (all loggers at ALL) are scanned.
 */
class SecretsInErrorsTest {

    private static final String SECRET = "Sekr3t-pw";
    private static final String BASE = "jdbc:aws-wrapper:postgresql://127.0.0.1:1/app";

    /** Malformed URLs, each carrying the secret where a user might have put the password. */
    private static final List<String> MALFORMED_URLS = List.of(
            BASE + "?password=" + SECRET + "%zz",                       // bad percent-encoding (the ab%zz)
            BASE + "?password=" + SECRET + "%",
            BASE + "?password=%zz" + SECRET,
            BASE + "?password=" + SECRET + "&=x",                      // a parameter without a name
            BASE + "?=" + SECRET,
            BASE + "?pass%77ord=" + SECRET + "&a=%zz",                 // an encoded name, then bad encoding
            BASE + "?password=" + SECRET + "&url=x",                   // url as a parameter
            BASE + "?password=" + SECRET + "&b%zz=1",                  // a name that cannot be decoded
            BASE + "?password=" + SECRET + "&failoverTimeoutMs=abc",
            BASE + "?sslpassword=" + SECRET + "&a=%zz",                // pgjdbc's own secret, passed through
            "jdbc:aws-wrapper:postgresql://user:" + SECRET + "@127.0.0.1:1/app",   // a login before the host
            "jdbc:aws-wrapper:postgresql://user:" + SECRET + "@127.0.0.1:1/app?a=%zz",
            "jdbc:aws-wrapper:postgresql://127.0.0.1:" + SECRET + "/app",          // typed where the port goes
            "jdbc:aws-wrapper:postgresql://[::1:" + SECRET + "/app",
            "jdbc:aws-wrapper:postgresql://[::1]x" + SECRET + "/app",
            "jdbc:aws-wrapper:postgresql://127.0.0.1:1/app;password=" + SECRET,    // parameters without '?'
            "jdbc:aws-wrapper:postgresql://127.0.0.1:1/app&password=" + SECRET,
            "jdbc:aws-wrapper:postgresql://127.0.0.1:1/a%zz?password=" + SECRET,
            "jdbc:aws-wrapper:postgresql://127.0.0.1:1/a/b?password=" + SECRET,
            "jdbc:aws-wrapper:postgresql://,127.0.0.1/app?password=" + SECRET,
            "jdbc:aws-wrapper:postgres://127.0.0.1:1/app?password=" + SECRET,     // a wrong prefix
            "jdbc:aws-wrapper:postgres://user:" + SECRET + "@127.0.0.1:1/app");

    private final List<LogRecord> logged = new ArrayList<>();
    private final Handler capture = new Handler() {
        @Override
        public void publish(LogRecord record) {
            synchronized (logged) {
                logged.add(record);
            }
        }

        @Override
        public void flush() {
        }

        @Override
        public void close() {
        }
    };
    private Level rootLevel;

    @BeforeEach
    void captureEveryLogRecord() {
        Logger root = Logger.getLogger("");
        rootLevel = root.getLevel();
        root.setLevel(Level.ALL);
        root.addHandler(capture);
    }

    @AfterEach
    void restoreLogging() {
        Logger root = Logger.getLogger("");
        root.removeHandler(capture);
        root.setLevel(rootLevel);
    }

    @Test
    void malformedUrlsNeverRepeatTheSecret() {
        for (String url : MALFORMED_URLS) {
            assertNoSecret(url, () -> WrapperConfig.from(url, null));
            assertNoSecret(url, () -> new AwsWrapperDriver().connect(url, new Properties()));
            assertNoSecret(url, () -> DriverManager.getConnection(url));
            assertNoSecret(url, () -> {
                AwsWrapperDataSource ds = new AwsWrapperDataSource();
                try {
                    ds.setUrl(url);
                } finally {
                    assertFalse(ds.toString().contains(SECRET), "DataSource.toString() shows the secret");
                }
                ds.getConnection();
            });
            assertNoSecret(url, () -> {
                AwsManagedConnectionFactory mcf = new AwsManagedConnectionFactory();
                mcf.setUrl(url);
                mcf.setPlugins("");
                try {
                    mcf.createConnectionFactory();
                } finally {
                    assertFalse(mcf.toString().contains(SECRET), "the factory's toString() shows the secret");
                }
            });
            assertEquals(SECRET + "x", WrapperUrl.redact(SECRET + "x"), "redact keeps what is not a secret");
            assertFalse(WrapperUrl.redact(url).contains(SECRET), url);
        }
        assertNothingLogged();
    }

    /**
     * Every property of the registry, in turn, with a value it refuses (or, for free text, an odd one), while
     * the password is set in the URL, in Properties, on the DataSource and on the resource adapter.
     */
    @Test
    void everyPropertyFailingLeavesThePasswordOut() throws Exception {
        for (Property<?> p : WrapperProperties.all()) {
            if (p == WrapperProperties.URL || p == WrapperProperties.PASSWORD) {
                continue;
            }
            String bad = badValue(p);
            String what = p.name() + "=" + bad;
            String inUrl = BASE + "?password=" + SECRET + "&" + p.name() + "=" + java.net.URLEncoder.encode(bad, "UTF-8");
            assertNoSecret(what, () -> WrapperConfig.from(inUrl, null));
            assertNoSecret(what, () -> DriverManager.getConnection(inUrl));
            Properties props = new Properties();
            props.setProperty("password", SECRET);
            props.setProperty(p.name(), bad);
            assertNoSecret(what, () -> WrapperConfig.from(BASE, props));
            assertNoSecret(what, () -> DriverManager.getConnection(BASE, props));
            assertNoSecret(what, () -> {
                AwsWrapperDataSource ds = new AwsWrapperDataSource();
                ds.setUrl(BASE);
                ds.setProperty("password", SECRET);
                try {
                    ds.setProperty(p.name(), bad);
                } finally {
                    assertFalse(ds.toString().contains(SECRET), "DataSource.toString() shows the secret");
                }
                ds.getConnection();
            });
            assertNoSecret(what, () -> {
                AwsManagedConnectionFactory mcf = new AwsManagedConnectionFactory();
                mcf.setUrl(BASE);
                mcf.setPassword(SECRET);
                setConfigProperty(mcf, p, bad);
                try {
                    mcf.createConnectionFactory();
                } finally {
                    assertFalse(mcf.toString().contains(SECRET), "the factory's toString() shows the secret");
                }
            });
        }
        assertNothingLogged();
    }

    /** A secret set as a value of the secretsManagerEndpoint (a login in a URL) is not shown either. */
    @Test
    void aLoginInsideAnEndpointIsRefusedWithoutShowingIt() {
        String url = BASE + "?secretsManagerEndpoint=" + "ftp://user:" + SECRET + "@127.0.0.1:1";
        assertNoSecret(url, () -> WrapperConfig.from(url, null));
        String https = BASE + "?secretsManagerEndpoint=" + "https://user:" + SECRET + "@127.0.0.1:1";
        assertNoSecret(https, () -> WrapperConfig.from(https, null));
        assertNothingLogged();
    }

    private static String badValue(Property<?> p) {
        try {
            p.parse("not valid " + SECRET.length());
            return "\t"; // free text: whatever follows must not show the password either
        } catch (ConfigurationException expected) {
            return "not valid " + SECRET.length();
        }
    }

    private static void setConfigProperty(AwsManagedConnectionFactory mcf, Property<?> p, String value) throws Exception {
        for (Method m : AwsManagedConnectionFactory.class.getMethods()) {
            if (m.getName().equals("set" + p.configPropertyName()) && m.getParameterCount() == 1) {
                Class<?> type = m.getParameterTypes()[0];
                Object converted = type == String.class ? value : null;
                if (type == Long.class) {
                    converted = parseOr(value, Long::valueOf, -1L);
                } else if (type == Integer.class) {
                    converted = parseOr(value, Integer::valueOf, -1);
                } else if (type == Boolean.class) {
                    converted = Boolean.FALSE;
                }
                m.invoke(mcf, converted);
                return;
            }
        }
        throw new AssertionError("no config-property setter for " + p.name());
    }

    private static <T> T parseOr(String value, java.util.function.Function<String, T> parse, T otherwise) {
        try {
            return parse.apply(value);
        } catch (NumberFormatException e) {
            return otherwise;
        }
    }

    @FunctionalInterface
    private interface Attempt {
        void run() throws Exception;
    }

    /** Runs the attempt; what it throws (message, causes, suppressed, toString) must not hold the secret. */
    private static void assertNoSecret(String what, Attempt attempt) {
        Throwable thrown = null;
        try {
            attempt.run();
        } catch (Throwable t) {
            thrown = t;
        }
        List<Throwable> chain = new ArrayList<>();
        collect(thrown, chain);
        for (Throwable t : chain) {
            assertFalse(String.valueOf(t).contains(SECRET), what + ": " + t.getClass().getName() + " shows the secret");
            assertFalse(String.valueOf(t.getMessage()).contains(SECRET), what + ": a message shows the secret");
            assertFalse(String.valueOf(t.getLocalizedMessage()).contains(SECRET), what);
            if (t instanceof java.sql.SQLException sql) {
                assertFalse(String.valueOf(sql.getNextException()).contains(SECRET), what);
            }
            if (t instanceof jakarta.resource.ResourceException re) {
                assertFalse(String.valueOf(re.getErrorCode()).contains(SECRET), what);
            }
        }
    }

    private static void collect(Throwable t, List<Throwable> into) {
        if (t == null || into.contains(t)) {
            return;
        }
        into.add(t);
        collect(t.getCause(), into);
        for (Throwable s : t.getSuppressed()) {
            collect(s, into);
        }
        if (t instanceof java.sql.SQLException sql) {
            collect(sql.getNextException(), into);
        }
    }

    private void assertNothingLogged() {
        synchronized (logged) {
            for (LogRecord r : logged) {
                String text = r.getMessage() + " " + java.util.Arrays.toString(r.getParameters()) + " " + r.getThrown();
                assertFalse(text.contains(SECRET), "a log record of " + r.getLoggerName() + " shows the secret");
                List<Throwable> chain = new ArrayList<>();
                collect(r.getThrown(), chain);
                for (Throwable t : chain) {
                    assertFalse(String.valueOf(t).contains(SECRET), "a logged exception of " + r.getLoggerName());
                }
            }
        }
    }
}
