package dev.awsjca.it.app;

import dev.awsjca.testapp.BmtRowWriter;
import dev.awsjca.testapp.RowWriter;
import dev.awsjca.testapp.Rows;
import jakarta.ejb.EJB;
import jakarta.servlet.annotation.WebServlet;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

import javax.naming.InitialContext;
import javax.sql.DataSource;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;

/** What the tests drive over HTTP: {@code /rows?op=...&id=...&commit=true|false}. */
@WebServlet("/rows")
public class RowsServlet extends HttpServlet {

    private static final long serialVersionUID = 1L;

    @EJB
    private RowWriter cmt;

    @EJB
    private BmtRowWriter bmt;

    @Override
    protected void doGet(HttpServletRequest request, HttpServletResponse response) throws IOException {
        String id = request.getParameter("id");
        boolean commit = Boolean.parseBoolean(request.getParameter("commit"));
        String answer;
        try {
            answer = switch (request.getParameter("op")) {
                case "jndi" -> {
                    DataSource ds = (DataSource) new InitialContext().lookup("java:/jdbc/aws");
                    yield ds.getClass().getName() + " " + Rows.database(ds);
                }
                case "inject" -> cmt.database();
                case "handles" -> cmt.handles();
                case "cmt" -> {
                    cmt.insert(id, commit);
                    yield "ok";
                }
                case "bmt" -> {
                    bmt.insert(id, commit);
                    yield "ok";
                }
                case "xa" -> {
                    cmt.insertIntoBoth(id, commit);
                    yield "ok";
                }
                case "xa-fail-second" -> {
                    cmt.insertIntoBothFailingOnSecond(id);
                    yield "ok";
                }
                case "xa-fail-second-commit" -> {
                    cmt.insertIntoBothFailingOnSecondAndCommitting(id);
                    yield "ok";
                }
                default -> throw new IllegalArgumentException("unknown op");
            };
        } catch (Exception e) {
            response.setStatus(500);
            StringWriter trace = new StringWriter();
            e.printStackTrace(new PrintWriter(trace));
            answer = trace.toString();
        }
        response.setContentType("text/plain");
        response.getWriter().print(answer);
    }
}
