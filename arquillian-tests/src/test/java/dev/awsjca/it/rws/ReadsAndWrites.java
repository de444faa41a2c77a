package dev.awsjca.it.rws;

import jakarta.annotation.Resource;
import jakarta.ejb.Stateless;
import jakarta.persistence.EntityManager;
import jakarta.persistence.PersistenceContext;
import jakarta.persistence.PersistenceException;

import javax.sql.DataSource;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;

/**
 * Container-managed JTA transactions over the writer definition and the reader definition of one cluster,
 * and a persistence unit on the reader definition.
 */
@Stateless
public class ReadsAndWrites {

    @Resource(lookup = "java:/jdbc/rws-writer")
    private DataSource writer;

    @Resource(lookup = "java:/jdbc/rws-reader")
    private DataSource reader;

    @PersistenceContext(unitName = "reader")
    private EntityManager readerEntities;

    /**
     * In one transaction: inserts through the writer, then reads through the reader. Returns where each ran
     * (the node's address, whether in recovery) and whether the reader saw the row (it must not: another session
     * on another node, before the commit).
     */
    public String writeThenRead(String id) throws SQLException {
        String wrote;
        try (Connection c = writer.getConnection();
             PreparedStatement ps = c.prepareStatement("INSERT INTO rows (id) VALUES (?)")) {
            ps.setString(1, id);
            ps.executeUpdate();
            wrote = where(c);
        }
        try (Connection c = reader.getConnection();
             PreparedStatement ps = c.prepareStatement("SELECT count(*) FROM rows WHERE id = ?")) {
            ps.setString(1, id);
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return "writer " + wrote + " reader " + where(c) + " seen " + rs.getInt(1);
            }
        }
    }

    /** One read through the reader definition: where it ran. */
    public String read() throws SQLException {
        try (Connection c = reader.getConnection()) {
            return where(c);
        }
    }

    /** Through the persistence unit on the reader definition: whether the row is there, and where it was read. */
    public String find(String id) {
        boolean found = readerEntities.find(Row.class, id) != null;
        Object[] node = (Object[]) readerEntities.createNativeQuery("SELECT host(inet_server_addr()), pg_is_in_recovery()").getSingleResult();
        return "found " + found + " on " + node[0] + " " + (Boolean.TRUE.equals(node[1]) ? "reader" : "writer");
    }

    /**
     * A write through the persistence unit on the reader definition (it must fail): "persisted", or the
     * refusal as the application handles it ({@code ERROR <SQLState> <message>}); the failed flush marks the
     * transaction for rollback, which the container then does.
     */
    public String persistThroughReader(String id) {
        try {
            readerEntities.persist(new Row(id));
            readerEntities.flush();
            return "persisted";
        } catch (PersistenceException e) {
            return RwsServlet.describe(e);
        }
    }

    private static String where(Connection c) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT host(inet_server_addr()), pg_is_in_recovery()");
             ResultSet rs = ps.executeQuery()) {
            rs.next();
            return rs.getString(1) + " " + (rs.getBoolean(2) ? "reader" : "writer");
        }
    }
}
