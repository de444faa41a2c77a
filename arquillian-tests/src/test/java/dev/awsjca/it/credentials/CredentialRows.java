package dev.awsjca.it.credentials;

import jakarta.annotation.Resource;
import jakarta.ejb.SessionContext;
import jakarta.ejb.Stateless;

import javax.sql.DataSource;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;

/**
 * Container-managed transactions over the two credential connection definitions: one logs in with IAM
 * tokens (plugins=failover,iam), the other with a login read from Secrets Manager (plugins=secretsManager).
 */
@Stateless
public class CredentialRows {

    @Resource(lookup = "java:/jdbc/aws-iam")
    private DataSource iam;

    @Resource(lookup = "java:/jdbc/aws-secrets")
    private DataSource secrets;

    @Resource
    private SessionContext context;

    /** Inserts a row as the definition's database user; the container commits, or rolls back when asked to. Returns that user. */
    public String insert(String definition, String id, boolean commit) throws SQLException {
        DataSource ds = definition.equals("iam") ? iam : secrets;
        String user;
        try (Connection c = ds.getConnection()) {
            try (PreparedStatement ps = c.prepareStatement("INSERT INTO rows (id) VALUES (?)")) {
                ps.setString(1, id);
                ps.executeUpdate();
            }
            try (PreparedStatement ps = c.prepareStatement("SELECT current_user"); ResultSet rs = ps.executeQuery()) {
                rs.next();
                user = rs.getString(1);
            }
        }
        if (!commit) {
            context.setRollbackOnly();
        }
        return user;
    }
}
