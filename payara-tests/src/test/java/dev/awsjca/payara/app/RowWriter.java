package dev.awsjca.payara.app;

import jakarta.annotation.Resource;
import jakarta.ejb.EJBException;
import jakarta.ejb.SessionContext;
import jakarta.ejb.Stateless;

import javax.sql.DataSource;
import java.sql.SQLException;

/** Container-managed transactions over the adapter's DataSources, injected with @Resource. */
@Stateless
public class RowWriter {

    @Resource(lookup = "jdbc/aws")
    private DataSource first;

    @Resource(lookup = "jdbc/aws2")
    private DataSource second;

    @Resource
    private SessionContext context;

    public String database() throws SQLException {
        return Rows.database(first);
    }

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

    /** The second insert fails (the id is there already): the first must not commit either. */
    public void insertIntoBothFailingOnSecond(String id) {
        try {
            Rows.insert(first, id);
            Rows.insert(second, id);
        } catch (SQLException e) {
            throw new EJBException(e);
        }
    }
}
