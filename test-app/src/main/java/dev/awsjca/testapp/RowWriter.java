package dev.awsjca.testapp;

import jakarta.annotation.Resource;
import jakarta.ejb.EJBException;
import jakarta.ejb.SessionContext;
import jakarta.ejb.Stateless;

import javax.sql.DataSource;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;

/** Container-managed transactions over the adapter's DataSources, injected with @Resource. */
@Stateless
public class RowWriter {

    @Resource(name = TestApp.FIRST)
    private DataSource first;

    @Resource(name = TestApp.SECOND)
    private DataSource second;

    @Resource
    private SessionContext context;

    public String database() throws SQLException {
        return Rows.database(first);
    }

    /** Inserts a row into the first database; the container commits, or rolls back when asked to. */
    public void insert(String id, boolean commit) throws SQLException {
        Rows.insert(first, id);
        if (!commit) {
            context.setRollbackOnly();
        }
    }

    /** One JTA transaction over both databases: two XA branches, two-phase commit. */
    public void insertIntoBoth(String id, boolean commit) throws SQLException {
        Rows.insert(first, id);
        Rows.insert(second, id);
        if (!commit) {
            context.setRollbackOnly();
        }
    }

    /**
     * Same, with the second insert failing (the id is already there): the first must not commit either. A
     * checked SQLException would be an application exception that commits, so it leaves as a system one.
     */
    public void insertIntoBothFailingOnSecond(String id) {
        try {
            Rows.insert(first, id);
            Rows.insert(second, id);
        } catch (SQLException e) {
            throw new EJBException(e);
        }
    }

    /**
     * The second insert fails and its SQLException, a checked (application) exception, leaves the bean:
     * the container tries to commit, and the failed branch must make the whole transaction roll back.
     */
    public void insertIntoBothFailingOnSecondAndCommitting(String id) throws SQLException {
        Rows.insert(first, id);
        Rows.insert(second, id);
    }

    /** Statement types and handles the application sees. */
    public String handles() throws SQLException {
        try (Connection c = first.getConnection(); PreparedStatement ps = c.prepareStatement("select 1");
             ResultSet rs = ps.executeQuery()) {
            return c.getClass().getInterfaces()[0].getName() + " " + (ps.getConnection() == c) + " "
                    + (rs.getStatement() == ps);
        }
    }
}
