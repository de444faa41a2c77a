package dev.awsjca.it.redeploy;

import jakarta.annotation.Resource;
import jakarta.servlet.annotation.WebServlet;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import jakarta.transaction.UserTransaction;

import javax.sql.DataSource;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;

/**
 * The application redeployed by RedeployIT. {@code /load?prefix=p&n=100} runs n JTA transactions, each
 * inserting row {@code p-i} into both databases (two XA branches through the adapter, two-phase commit),
 * after one statement long enough for host monitoring to start watching (its threads then start on this
 * request thread, the case where an application's class loader could leak into them). Answers the number
 * committed.
 */
@WebServlet("/load")
public class LoadServlet extends HttpServlet {

    private static final long serialVersionUID = 1L;

    @Resource(lookup = "java:/jdbc/redeploy-a")
    private DataSource first;

    @Resource(lookup = "java:/jdbc/redeploy-b")
    private DataSource second;

    @Resource
    private UserTransaction transaction;

    @Override
    protected void doGet(HttpServletRequest request, HttpServletResponse response) throws IOException {
        String prefix = request.getParameter("prefix");
        int n = Integer.parseInt(request.getParameter("n"));
        String answer;
        try {
            watchedStatement();
            int committed = 0;
            for (int i = 0; i < n; i++) {
                transaction.begin();
                insert(first, prefix + "-" + i);
                insert(second, prefix + "-" + i);
                transaction.commit();
                committed++;
            }
            answer = String.valueOf(committed);
        } catch (Exception e) {
            rollbackQuietly();
            response.setStatus(500);
            StringWriter trace = new StringWriter();
            e.printStackTrace(new PrintWriter(trace));
            answer = trace.toString();
        }
        response.setContentType("text/plain");
        response.getWriter().print(answer);
    }

    private void rollbackQuietly() {
        try {
            if (transaction.getStatus() != jakarta.transaction.Status.STATUS_NO_TRANSACTION) {
                transaction.rollback();
            }
        } catch (Exception ignored) {
            // the failure already answered is the one that matters
        }
    }

    private void watchedStatement() throws SQLException {
        try (Connection c = first.getConnection(); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT 1 FROM pg_sleep(0.7)")) {
            rs.next();
        }
    }

    private static void insert(DataSource ds, String id) throws SQLException {
        try (Connection c = ds.getConnection(); PreparedStatement ps = c.prepareStatement("INSERT INTO load (id) VALUES (?)")) {
            ps.setString(1, id);
            ps.executeUpdate();
        }
    }
}
