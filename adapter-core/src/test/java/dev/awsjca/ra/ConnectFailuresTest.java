package dev.awsjca.ra;

import dev.awsjca.testkit.TestDatabase;
import dev.awsjca.testkit.WithPgCluster;
import jakarta.resource.ResourceException;
import jakarta.resource.spi.ConnectionManager;
import jakarta.resource.spi.ConnectionRequestInfo;
import jakarta.resource.spi.ManagedConnectionFactory;
import jakarta.resource.spi.ResourceAllocationException;
import jakarta.resource.spi.SecurityException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import javax.sql.DataSource;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.UUID;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;

/**
 * A login the database refuses, against a real PostgreSQL: the container is told what kind of failure it
 * is (a refused login is a jakarta.resource.spi.SecurityException), and the application, through the
 * connection factory, gets the database's own SQLException however deep the container wrapped it.
 * The connection manager here wraps the way IronJacamar does (IJ000453 around the pool's exception around
 * the adapter's); WildFly itself is in ConnectionErrorsIT.
 */
@WithPgCluster(replicas = 0)
class ConnectFailuresTest {

    private static final String LIMITED_ROLE = "limited_" + UUID.randomUUID().toString().substring(0, 8);

    private AwsResourceAdapter ra;
    private TestDatabase db;

    @BeforeEach
    void start(TestDatabase db) throws Exception {
        this.db = db;
        ra = new AwsResourceAdapter();
        ra.start(null);
        try (Connection c = db.connect(); Statement s = c.createStatement()) {
            s.execute("DO $$ BEGIN IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = '" + LIMITED_ROLE + "') THEN "
                    + "CREATE ROLE " + LIMITED_ROLE + " LOGIN PASSWORD 'pw' CONNECTION LIMIT 0; END IF; END $$");
        }
    }

    @AfterEach
    void stop() {
        ra.stop();
    }

    private AwsManagedConnectionFactory factory(String url, String user, String password) throws ResourceException {
        AwsManagedConnectionFactory mcf = new AwsManagedConnectionFactory();
        mcf.setUrl(url);
        mcf.setPlugins("");
        mcf.setUser(user);
        mcf.setPassword(password);
        mcf.setResourceAdapter(ra);
        return mcf;
    }

    @Test
    void aWrongPasswordIsASecurityExceptionToTheContainerAnd28P01ToTheApplication() throws Exception {
        AwsManagedConnectionFactory mcf = factory(db.jdbcUrl(), db.user(), "not-the-password");
        ResourceException toContainer = assertThrows(ResourceException.class,
                () -> mcf.createManagedConnection(null, AwsConnectionRequestInfo.CONFIGURED_LOGIN));
        assertInstanceOf(SecurityException.class, toContainer);
        assertEquals("28P01", toContainer.getErrorCode());
        assertEquals("28P01", assertInstanceOf(SQLException.class, toContainer.getCause()).getSQLState());

        assertEquals("28P01", applicationSees(mcf).getSQLState());
    }

    @Test
    void anUnknownDatabaseIs3D000ToTheApplication() throws Exception {
        String url = db.jdbcUrl().substring(0, db.jdbcUrl().lastIndexOf('/') + 1) + "no_such_database";
        AwsManagedConnectionFactory mcf = factory(url, db.user(), db.password());
        ResourceException toContainer = assertThrows(ResourceException.class,
                () -> mcf.createManagedConnection(null, AwsConnectionRequestInfo.CONFIGURED_LOGIN));
        assertInstanceOf(ResourceAllocationException.class, toContainer);
        assertEquals("3D000", applicationSees(mcf).getSQLState());
    }

    @Test
    void tooManyConnectionsIs53300ToTheApplication() throws Exception {
        AwsManagedConnectionFactory mcf = factory(db.jdbcUrl(), LIMITED_ROLE, "pw");
        assertEquals("53300", applicationSees(mcf).getSQLState());
    }

    @Test
    void aFailureWithoutAnySqlExceptionKeepsTheContainersErrorCode() throws Exception {
        AwsManagedConnectionFactory mcf = factory(db.jdbcUrl(), db.user(), db.password());
        DataSource ds = (DataSource) mcf.createConnectionFactory((factory, info) -> {
            throw new ResourceException("IJ000655: No managed connections available within configured blocking timeout");
        });
        SQLException e = assertThrows(SQLException.class, ds::getConnection);
        assertEquals("08001", e.getSQLState());
    }

    /** What getConnection() throws when the container wrapped the adapter's failure twice, as IronJacamar does. */
    private static SQLException applicationSees(AwsManagedConnectionFactory mcf) throws ResourceException {
        DataSource ds = (DataSource) mcf.createConnectionFactory(new WrappingConnectionManager());
        return assertThrows(SQLException.class, ds::getConnection);
    }

    private static final class WrappingConnectionManager implements ConnectionManager {
        @Override
        public Object allocateConnection(ManagedConnectionFactory mcf, ConnectionRequestInfo info) throws ResourceException {
            try {
                return mcf.createManagedConnection(null, info).getConnection(null, info);
            } catch (ResourceException adapters) {
                ResourceException pool = new ResourceException("IJ031084: Unable to create connection", adapters);
                throw new ResourceException("IJ000453: Unable to get managed connection for java:/jdbc/test", pool);
            }
        }
    }
}
