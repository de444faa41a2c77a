package dev.awsjca.it.hardening;

import jakarta.servlet.annotation.WebServlet;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

import javax.naming.InitialContext;
import javax.naming.NamingException;
import javax.sql.DataSource;
import java.io.IOException;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;

/**
 * {@code /hardening?op=state&jndi=...} answers the SQLState getConnection() fails with ("ok" when it
 * works); {@code op=use} runs a statement on a pooled connection (long enough for the host monitor to start).
 */
@WebServlet("/hardening")
public class HardeningServlet extends HttpServlet {

    private static final long serialVersionUID = 1L;

    @Override
    protected void doGet(HttpServletRequest request, HttpServletResponse response) throws IOException {
        String answer;
        try {
            DataSource ds = (DataSource) new InitialContext().lookup(request.getParameter("jndi"));
            answer = switch (request.getParameter("op")) {
                case "state" -> state(ds);
                case "use" -> use(ds);
                default -> throw new IllegalArgumentException(request.getParameter("op"));
            };
        } catch (NamingException | SQLException | RuntimeException e) {
            response.setStatus(500);
            answer = e.toString();
        }
        response.setContentType("text/plain");
        response.getWriter().print(answer);
    }

    private static String state(DataSource ds) {
        try (Connection c = ds.getConnection()) {
            return "ok";
        } catch (SQLException e) {
            return e.getSQLState();
        }
    }

    private String use(DataSource ds) throws SQLException {
        try (Connection c = ds.getConnection(); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT 1 FROM pg_sleep(0.7)")) { // long enough for the host monitor to start
            rs.next();
            return String.valueOf(rs.getInt(1));
        }
    }
}
