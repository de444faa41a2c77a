package dev.awsjca.ra;

import dev.awsjca.jdbc.AdapterDataSource;
import dev.awsjca.jdbc.SqlFailures;

import jakarta.resource.Referenceable;
import jakarta.resource.ResourceException;
import jakarta.resource.spi.ConnectionManager;

import javax.naming.Reference;
import javax.sql.DataSource;
import java.io.PrintWriter;
import java.io.Serializable;
import java.sql.Connection;
import java.sql.SQLException;

/**
 * The DataSource applications look up or get injected: every getConnection() goes through the
 * container's pool (its ConnectionManager), which hands out a handle on a managed connection.
 */
public final class AwsConnectionFactory extends AdapterDataSource implements Serializable, Referenceable {

    private static final long serialVersionUID = 1L;

    private final AwsManagedConnectionFactory mcf;
    private final ConnectionManager manager;
    private Reference reference;
    private int loginTimeoutSeconds;

    AwsConnectionFactory(AwsManagedConnectionFactory mcf, ConnectionManager manager) {
        this.mcf = mcf;
        this.manager = manager;
    }

    @Override
    public Connection getConnection() throws SQLException {
        return allocate(AwsConnectionRequestInfo.CONFIGURED_LOGIN);
    }

    @Override
    public Connection getConnection(String user, String password) throws SQLException {
        return allocate(new AwsConnectionRequestInfo(new Credentials(user, password)));
    }

    private Connection allocate(AwsConnectionRequestInfo info) throws SQLException {
        try {
            return (Connection) manager.allocateConnection(mcf, info);
        } catch (ResourceException e) {
            // the container wraps the adapter's failure in its own exceptions, often more than once
            // (IronJacamar: IJ000453 around the pool's around ours): the database's error is what the
            // application can act on (28P01, 3D000, 53300), not the container's 08001
            SQLException database = SqlFailures.firstSqlException(e);
            if (database != null) {
                throw database;
            }
            throw new SQLException(e.getMessage(), e.getErrorCode() != null && e.getErrorCode().length() == 5
                    ? e.getErrorCode() : "08001", e);
        }
    }

    @Override
    public void setReference(Reference reference) {
        this.reference = reference;
    }

    @Override
    public Reference getReference() {
        return reference;
    }

    @Override
    public PrintWriter getLogWriter() {
        return mcf.getLogWriter();
    }

    @Override
    public void setLogWriter(PrintWriter out) {
        mcf.setLogWriter(out);
    }

    /** Kept for the DataSource contract; pgjdbc's own {@code loginTimeout} is set as a pass-through in the Url. */
    @Override
    public void setLoginTimeout(int seconds) {
        loginTimeoutSeconds = seconds;
    }

    @Override
    public int getLoginTimeout() {
        return loginTimeoutSeconds;
    }


    @Override
    public String toString() {
        return "AwsConnectionFactory[" + mcf + "]";
    }

}
