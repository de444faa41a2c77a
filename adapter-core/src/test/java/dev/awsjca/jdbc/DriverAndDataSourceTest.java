package dev.awsjca.jdbc;

import dev.awsjca.testkit.PgClusterExtension;
import dev.awsjca.testkit.TestDatabase;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Properties;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

@ExtendWith(PgClusterExtension.class)
class DriverAndDataSourceTest {

    @Test
    void driverManagerGivesOurUrlsToUsAndPlainOnesToPgjdbc() throws SQLException {
        assertInstanceOf(AwsWrapperDriver.class, DriverManager.getDriver("jdbc:aws-wrapper:postgresql://h/db"));
        assertInstanceOf(org.postgresql.Driver.class, DriverManager.getDriver("jdbc:postgresql://h/db"));
        assertNull(new AwsWrapperDriver().connect("jdbc:postgresql://h/db", new Properties()));
        assertTrue(new AwsWrapperDriver().getPropertyInfo("jdbc:aws-wrapper:postgresql://h/db", null).length > 10);
    }

    @Test
    void dataSourceConnectsWithSettersAndWithExplicitLogin(TestDatabase db) throws SQLException {
        AwsWrapperDataSource ds = new AwsWrapperDataSource();
        ds.setUrl(db.jdbcUrl()); // a plain pgjdbc URL is fine for a DataSource
        ds.setUser(db.user());
        ds.setPassword(db.password());
        ds.setPlugins("first");
        ds.setProperty("ApplicationName", "datasource-test");
        try (Connection c = ds.getConnection(); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT current_setting('application_name'), current_user")) {
            rs.next();
            assertEquals("datasource-test", rs.getString(1));
            assertEquals(db.user(), rs.getString(2));
        }
        try (Connection c = ds.getConnection(db.user(), db.password())) {
            assertTrue(c.isValid(2));
        }
    }

    /** This module has no plugins: the default (failover,hostMonitoring) cannot run, and the error says why. */
    @Test
    void withoutThePluginsJarTheDefaultPluginsFailNamingTheProperty(TestDatabase db) {
        String url = db.jdbcUrl().replace("jdbc:postgresql://", "jdbc:aws-wrapper:postgresql://");
        SQLException e = assertThrows(SQLException.class, () -> DriverManager.getConnection(url, db.user(), db.password()));
        assertTrue(e.getMessage().contains("property 'plugins' is not set") && e.getMessage().contains("failover,hostMonitoring"),
                e.getMessage());
    }

    @Test
    void wrongPasswordFailsLikePgjdbcAndTheMessageHasNoPassword(TestDatabase db) {
        AwsWrapperDataSource ds = new AwsWrapperDataSource();
        ds.setUrl(db.jdbcUrl());
        ds.setPlugins("");
        SQLException e = assertThrows(SQLException.class, () -> ds.getConnection(db.user(), "wrong-Pa55word"));
        assertEquals("28P01", e.getSQLState());
        assertFalse(String.valueOf(e.getMessage()).contains("wrong-Pa55word"));
    }

    @Test
    void multiHostUrlConnectsToTheFirstHostThatAnswers(TestDatabase db) throws SQLException {
        String url = "jdbc:aws-wrapper:postgresql://127.0.0.1:1," + db.host() + ":" + db.port() + "/" + db.name() + "?plugins=";
        try (Connection c = DriverManager.getConnection(url, db.user(), db.password())) {
            ConnectionWrapper w = c.unwrap(ConnectionWrapper.class);
            assertEquals(db.host(), w.pipeline().currentHost().host());
            assertEquals(db.port(), w.pipeline().currentHost().port());
        }
    }
}
