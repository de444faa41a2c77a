package dev.awsjca.jdbc;

import dev.awsjca.config.ConfigurationException;
import dev.awsjca.config.Property;
import dev.awsjca.config.WrapperConfig;
import dev.awsjca.config.WrapperProperties;
import dev.awsjca.config.WrapperUrl;

import java.sql.Connection;
import java.sql.Driver;
import java.sql.DriverManager;
import java.sql.DriverPropertyInfo;
import java.sql.SQLException;
import java.sql.SQLFeatureNotSupportedException;
import java.sql.SQLNonTransientConnectionException;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.logging.Logger;

/**
 * The JDBC driver for {@code jdbc:aws-wrapper:postgresql://} URLs. Plain {@code jdbc:postgresql://} URLs
 * are left to pgjdbc when going through DriverManager (a DataSource of this adapter takes both).
 */
public final class AwsWrapperDriver implements Driver {

    static {
        try {
            DriverManager.registerDriver(new AwsWrapperDriver());
        } catch (SQLException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    @Override
    public Connection connect(String url, Properties info) throws SQLException {
        if (!acceptsURL(url)) {
            return null; // JDBC: another driver's URL
        }
        return ConnectionWrapper.open(configuration(url, info));
    }

    /** Reads the configuration, reporting a bad one as a non-transient connection failure naming the property. */
    static WrapperConfig configuration(String url, Properties info) throws SQLException {
        try {
            return WrapperConfig.from(url, info);
        } catch (ConfigurationException e) {
            throw new SQLNonTransientConnectionException(e.getMessage(), "08001", e);
        }
    }

    @Override
    public boolean acceptsURL(String url) {
        return WrapperUrl.isWrapperUrl(url);
    }

    @Override
    public DriverPropertyInfo[] getPropertyInfo(String url, Properties info) {
        List<DriverPropertyInfo> result = new ArrayList<>();
        for (Property<?> p : WrapperProperties.all()) {
            if (p == WrapperProperties.URL) {
                continue;
            }
            String given = info == null ? null : info.getProperty(p.name());
            DriverPropertyInfo i = new DriverPropertyInfo(p.name(), p.isSecret() ? null : (given != null ? given : p.defaultText()));
            i.description = p.description() + " (" + p.usedBy() + ")";
            i.choices = p.type().choices().isEmpty() ? null : p.type().choices().toArray(new String[0]);
            result.add(i);
        }
        return result.toArray(new DriverPropertyInfo[0]);
    }

    @Override
    public int getMajorVersion() {
        return 0;
    }

    @Override
    public int getMinorVersion() {
        return 1;
    }

    /** pgjdbc does not claim full compliance, so neither can a wrapper of it. */
    @Override
    public boolean jdbcCompliant() {
        return false;
    }

    @Override
    public Logger getParentLogger() throws SQLFeatureNotSupportedException {
        return Logger.getLogger("dev.awsjca");
    }
}
