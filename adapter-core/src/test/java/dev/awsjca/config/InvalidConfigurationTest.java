package dev.awsjca.config;

import dev.awsjca.jdbc.AwsWrapperDataSource;
import dev.awsjca.jdbc.AwsWrapperDriver;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.api.Test;

import java.sql.SQLException;
import java.sql.SQLNonTransientConnectionException;
import java.util.Properties;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Bad input fails before any connection is attempted, naming the property, the value and what is allowed. */
class InvalidConfigurationTest {

    private static final String BASE = "jdbc:aws-wrapper:postgresql://db.example:5432/app";

    static Stream<Arguments> invalid() {
        return Stream.of(
                // url: the property, and a piece of the message that tells what is wrong
                Arguments.of("jdbc:mysql://db/app", "url", "does not start with jdbc:aws-wrapper:postgresql://"),
                Arguments.of("jdbc:aws-wrapper:postgresql://db:70000/app", "url", "'70000'"),
                Arguments.of("jdbc:aws-wrapper:postgresql://db:port/app", "url", "the port of host db is not a number"),
                Arguments.of("jdbc:aws-wrapper:postgresql://a,,b/app", "url", "a host is empty"),
                Arguments.of("jdbc:aws-wrapper:postgresql://[::1/app", "url", "no closing ']'"),
                Arguments.of("jdbc:aws-wrapper:postgresql://:5432/app", "url", "a host is empty"),
                Arguments.of("jdbc:aws-wrapper:postgresql://db/app?=x", "url", "has no name"),
                Arguments.of("jdbc:aws-wrapper:postgresql://db/app?a=%zz", "url", "not valid URL encoding"),
                // plugin codes
                Arguments.of(BASE + "?plugins=failovr", "plugins", "'failovr' is not one"),
                Arguments.of(BASE + "?plugins=first,,second", "plugins", "without empty entries"),
                Arguments.of(BASE + "?plugins=first,first", "plugins", "'first' is listed twice"),
                // numbers
                Arguments.of(BASE + "?failoverTimeoutMs=abc", "failoverTimeoutMs", "'abc'"),
                Arguments.of(BASE + "?failoverTimeoutMs=-5", "failoverTimeoutMs", "1 or more"),
                Arguments.of(BASE + "?clusterTopologyRefreshMs=1.5", "clusterTopologyRefreshMs", "whole number"),
                Arguments.of(BASE + "?failureDetectionCount=0", "failureDetectionCount", "from 1 to 1000"),
                Arguments.of(BASE + "?failureDetectionIntervalMs=", "failureDetectionIntervalMs", "100 or more"),
                Arguments.of(BASE + "?iamPort=99999", "iamPort", "from 1 to 65535"),
                Arguments.of(BASE + "?iamTokenLifetimeS=901", "iamTokenLifetimeS", "from 1 to 900"),
                Arguments.of(BASE + "?secretsCacheTtlS=-1", "secretsCacheTtlS", "from 0 to 86400"),
                Arguments.of(BASE + "?secretsManagerTimeoutMs=0", "secretsManagerTimeoutMs", "1 or more"),
                Arguments.of(BASE + "?monitorDisposalTimeMs=soon", "monitorDisposalTimeMs", "'soon'"),
                Arguments.of(BASE + "?failureDetectionTimeMs=-1", "failureDetectionTimeMs", "0 or more"),
                Arguments.of(BASE + "?maxReaderLagMs=1e3", "maxReaderLagMs", "whole number of milliseconds"),
                Arguments.of(BASE + "?readerIdleTimeoutMs=99999999999999999999", "readerIdleTimeoutMs", "whole number"),
                Arguments.of(BASE + "?readAfterWriteTimeoutMs=1s", "readAfterWriteTimeoutMs", "'1s'"),
                Arguments.of(BASE + "?telemetryIntervalS=3601", "telemetryIntervalS", "from 1 to 3600"),
                // booleans: a typo must not read as false
                Arguments.of(BASE + "?iamAllowPlaintext=yes", "iamAllowPlaintext", "true or false"),
                Arguments.of(BASE + "?iamAllowPlaintext=TRUE", "iamAllowPlaintext", "true or false"),
                // enumerations
                Arguments.of(BASE + "?failoverMode=writer", "failoverMode", "one of strict-writer, reader-or-writer, strict-reader"),
                Arguments.of(BASE + "?dialect=mysql", "dialect", "one of aurora-postgresql"),
                Arguments.of(BASE + "?readerHostSelectorStrategy=fastest", "readerHostSelectorStrategy", "roundRobin"),
                Arguments.of(BASE + "?readWriteSplittingMode=auto", "readWriteSplittingMode", "readOnlyFlag, sql"),
                Arguments.of(BASE + "?readerFallback=primary", "readerFallback", "one of writer, fail"),
                Arguments.of(BASE + "?readAfterWrite=on", "readAfterWrite", "one of off, wait"),
                Arguments.of(BASE + "?role=replica", "role", "one of writer, reader"),
                Arguments.of(BASE + "?telemetry=prometheus", "telemetry", "one of jmx, otel, emf"),
                // labels (metric names)
                Arguments.of(BASE + "?definitionName=" + "x".repeat(101), "definitionName", "1 to 100 printable characters"),
                Arguments.of(BASE + "?definitionName=orders%0Awriter", "definitionName", "printable"),
                // structured values
                Arguments.of(BASE + "?clusterInstanceHostPattern=db.example.com", "clusterInstanceHostPattern", "one '?'"),
                Arguments.of(BASE + "?clusterInstanceHostPattern=?.a.?.b", "clusterInstanceHostPattern", "one '?'"),
                Arguments.of(BASE + "?clusterInstanceHostPattern=?.example.com:0", "clusterInstanceHostPattern", "'?.example.com:0'"),
                Arguments.of(BASE + "?iamRegion=useast1", "iamRegion", "AWS region"),
                Arguments.of(BASE + "?region=US-EAST-1", "region", "AWS region"),
                Arguments.of(BASE + "?secretsManagerEndpoint=ftp://x", "secretsManagerEndpoint", "http:// or https://"),
                Arguments.of(BASE + "?secretsManagerEndpoint=not%20a%20url", "secretsManagerEndpoint", "http:// or https://"),
                // misspellings that would otherwise pass to pgjdbc and be ignored
                Arguments.of(BASE + "?failoverTimeoutMS=1000", "failoverTimeoutMS", "did you mean 'failoverTimeoutMs'"),
                Arguments.of(BASE + "?plugin=first", "plugin", "did you mean 'plugins'"),
                Arguments.of(BASE + "?clusterInstanceHostPatern=?.x", "clusterInstanceHostPatern", "did you mean 'clusterInstanceHostPattern'"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("invalid")
    void refusedNamingTheProperty(String url, String property, String messagePart) {
        ConfigurationException e = assertThrows(ConfigurationException.class, () -> WrapperConfig.from(url, new Properties()));
        assertEquals(property, e.property());
        assertTrue(e.getMessage().contains("'" + property + "'"), e.getMessage());
        assertTrue(e.getMessage().contains(messagePart), () -> "'" + messagePart + "' missing from: " + e.getMessage());
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("invalid")
    void driverReportsItBeforeConnecting(String url, String property, String messagePart) {
        if (!url.startsWith("jdbc:aws-wrapper:")) {
            return; // not the driver's URL: DriverManager asks another driver
        }
        SQLException e = assertThrows(SQLException.class, () -> new AwsWrapperDriver().connect(url, new Properties()));
        assertInstanceOf(SQLNonTransientConnectionException.class, e);
        assertEquals("08001", e.getSQLState());
        assertTrue(e.getMessage().contains("'" + property + "'"), e.getMessage());
        assertInstanceOf(ConfigurationException.class, e.getCause());
    }

    @Test
    void dataSourceSettersFailAtOnce() {
        AwsWrapperDataSource ds = new AwsWrapperDataSource();
        assertEquals("failoverTimeoutMs", assertThrows(ConfigurationException.class, () -> ds.setFailoverTimeoutMs(-1)).property());
        assertEquals("failoverMode", assertThrows(ConfigurationException.class, () -> ds.setFailoverMode("any")).property());
        assertEquals("plugins", assertThrows(ConfigurationException.class, () -> ds.setPlugins("nope")).property());
        assertEquals("url", assertThrows(ConfigurationException.class, () -> ds.setUrl("jdbc:aws-wrapper:postgresql://h:0/db")).property());
        assertEquals("iamPort", assertThrows(ConfigurationException.class, () -> ds.setProperty("iamPort", "x")).property());
        assertEquals("failoverTimeoutMS", assertThrows(ConfigurationException.class, () -> ds.setProperty("failoverTimeoutMS", "5")).property());
        assertEquals("loginTimeout", assertThrows(ConfigurationException.class, () -> ds.setLoginTimeout(-1)).property());
    }

    @Test
    void dataSourceWithoutUrlSaysSo() {
        SQLException e = assertThrows(SQLException.class, () -> new AwsWrapperDataSource().getConnection());
        assertTrue(e.getMessage().contains("'url'"), e.getMessage());
    }

    @Test
    void propertyGivenInTheUrlAndAsPropertiesWithDifferentUrls() {
        Properties p = new Properties();
        p.setProperty("url", "jdbc:aws-wrapper:postgresql://other/app");
        assertEquals("url", assertThrows(ConfigurationException.class, () -> WrapperConfig.from(BASE, p)).property());
    }

    @Test
    void secretValuesAreNeverInMessages() {
        Properties p = new Properties();
        p.setProperty("password", "s3cr3t-Value");
        WrapperConfig config = WrapperConfig.from(BASE + "?password=url-s3cr3t&sslpassword=key-s3cr3t", p);
        assertFalse(config.toString().contains("s3cr3t"), config.toString());
        ConfigurationException e = assertThrows(ConfigurationException.class,
                () -> WrapperConfig.from(BASE + "?password=url-s3cr3t&port=x:&failoverMode=bad", p));
        assertFalse(e.getMessage().contains("s3cr3t"), e.getMessage());
        ConfigurationException url = assertThrows(ConfigurationException.class,
                () -> WrapperConfig.from("jdbc:aws-wrapper:postgresql://db:bad/app?password=url-s3cr3t", p));
        assertFalse(url.getMessage().contains("s3cr3t"), url.getMessage());
        AwsWrapperDataSource ds = new AwsWrapperDataSource();
        ds.setUrl(BASE + "?password=url-s3cr3t");
        ds.setPassword("s3cr3t-Value");
        assertFalse(ds.toString().contains("s3cr3t"), ds.toString());
        assertEquals("***", ds.getProperty("password"));
    }
}
