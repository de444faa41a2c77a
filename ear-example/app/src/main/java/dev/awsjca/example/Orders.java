package dev.awsjca.example;

import jakarta.annotation.PostConstruct;
import jakarta.annotation.Resource;
import jakarta.ejb.Singleton;
import jakarta.ejb.Startup;
import jakarta.ejb.TransactionAttribute;
import jakarta.ejb.TransactionAttributeType;

import javax.sql.DataSource;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;

/**
 * The application's data access: plain JDBC on the adapter's DataSource, each method one JTA transaction
 * run by the container. Nothing here knows about failover, IAM or the pool: that is the adapter's job.
 */
@Singleton
@Startup
public class Orders {

    // a reference each server binds in its own descriptor: WEB-INF/jboss-web.xml on WildFly (java:/jdbc/orders,
    // from the resource-adapters subsystem), WEB-INF/glassfish-web.xml on Payara (java:app/jdbc/orders, from
    // the EAR's META-INF/glassfish-resources.xml); see ear-example/README.md
    @Resource(name = "jdbc/orders")
    private DataSource orders;

    @PostConstruct
    void createTable() {
        try (Connection c = orders.getConnection(); Statement s = c.createStatement()) {
            s.execute("CREATE TABLE IF NOT EXISTS orders (id bigserial PRIMARY KEY, item text NOT NULL,"
                    + " created timestamptz NOT NULL DEFAULT now())");
        } catch (SQLException e) {
            throw new IllegalStateException("cannot create the orders table: " + e.getMessage(), e);
        }
    }

    /** Inserts an order; the container commits when the method returns. */
    @TransactionAttribute(TransactionAttributeType.REQUIRED)
    public long place(String item) throws SQLException {
        try (Connection c = orders.getConnection();
             PreparedStatement ps = c.prepareStatement("INSERT INTO orders (item) VALUES (?) RETURNING id")) {
            ps.setString(1, item);
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getLong(1);
            }
        }
    }

    @TransactionAttribute(TransactionAttributeType.SUPPORTS)
    public List<String> list() throws SQLException {
        List<String> items = new ArrayList<>();
        try (Connection c = orders.getConnection(); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT id, item FROM orders ORDER BY id")) {
            while (rs.next()) {
                items.add(rs.getLong(1) + " " + rs.getString(2));
            }
        }
        return items;
    }
}
