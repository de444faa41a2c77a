package dev.awsjca.testapp;

import javax.sql.DataSource;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;

/** The application's SQL: plain JDBC on whatever DataSource it is given. */
public final class Rows {

    private Rows() {
    }

    public static void insert(DataSource ds, String id) throws SQLException {
        try (Connection c = ds.getConnection(); PreparedStatement ps = c.prepareStatement("INSERT INTO rows (id) VALUES (?)")) {
            ps.setString(1, id);
            ps.executeUpdate();
        }
    }

    public static String database(DataSource ds) throws SQLException {
        try (Connection c = ds.getConnection(); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("select current_database()")) {
            rs.next();
            return rs.getString(1);
        }
    }
}
