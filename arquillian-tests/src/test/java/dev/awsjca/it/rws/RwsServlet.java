package dev.awsjca.it.rws;

import jakarta.ejb.EJB;
import jakarta.servlet.annotation.WebServlet;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

import java.io.IOException;
import java.sql.SQLException;

/**
 * {@code /rws?op=writeThenRead|read|find|persist&id=...}: what the bean answered, or
 * {@code ERROR <SQLState> <message>} from the first SQLException in the failure's causes.
 */
@WebServlet("/rws")
public class RwsServlet extends HttpServlet {

    @EJB
    private ReadsAndWrites bean;

    @Override
    protected void doGet(HttpServletRequest req, HttpServletResponse resp) throws IOException {
        String id = req.getParameter("id");
        String body;
        try {
            body = switch (req.getParameter("op")) {
                case "writeThenRead" -> bean.writeThenRead(id);
                case "read" -> bean.read();
                case "find" -> bean.find(id);
                case "persist" -> bean.persistThroughReader(id);
                default -> throw new IllegalArgumentException("unknown op");
            };
        } catch (Exception e) {
            body = describe(e);
        }
        resp.setContentType("text/plain");
        resp.getWriter().print(body);
    }

    static String describe(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof SQLException sql) {
                return "ERROR " + sql.getSQLState() + " " + sql.getMessage();
            }
        }
        return "ERROR none " + e;
    }
}
