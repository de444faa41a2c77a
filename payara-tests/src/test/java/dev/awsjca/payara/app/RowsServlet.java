package dev.awsjca.payara.app;

import dev.awsjca.testapp.BmtRowWriter;
import dev.awsjca.testapp.PrepareHook;
import dev.awsjca.testapp.RowWriter;
import dev.awsjca.testapp.Rows;
import jakarta.annotation.Resource;
import jakarta.ejb.EJB;
import jakarta.servlet.annotation.WebServlet;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import jakarta.transaction.HeuristicMixedException;
import jakarta.transaction.HeuristicRollbackException;
import jakarta.transaction.RollbackException;
import jakarta.transaction.TransactionManager;
import jakarta.transaction.UserTransaction;

import javax.naming.InitialContext;
import javax.sql.DataSource;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;

/**
 * What the tests drive over HTTP: {@code /rows?op=...}. Transaction outcomes are answered in words the
 * tests parse: {@code committed}, {@code rolledback <SQLState>}, {@code unknown <exception>}.
 */
@WebServlet("/rows")
public class RowsServlet extends HttpServlet {

    private static final long serialVersionUID = 1L;

    @EJB
    private RowWriter cmt;

    @EJB
    private BmtRowWriter bmt;

    @Resource(lookup = "jdbc/aws")
    private DataSource ds;

    @Resource
    private UserTransaction ut;

    @Resource(lookup = "java:appserver/TransactionManager")
    private TransactionManager tm;

    @Override
    protected void doGet(HttpServletRequest request, HttpServletResponse response) throws IOException {
        String id = request.getParameter("id");
        boolean commit = Boolean.parseBoolean(request.getParameter("commit"));
        String answer;
        try {
            answer = switch (request.getParameter("op")) {
                case "jndi" -> {
                    DataSource looked = (DataSource) new InitialContext().lookup("jdbc/aws");
                    yield looked.getClass().getName() + " " + Rows.database(looked);
                }
                case "inject" -> cmt.database();
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
                case "insert" -> insert(id, Integer.parseInt(request.getParameter("sleep")), false);
                case "arm" -> {
                    PrepareHook.arm();
                    yield "armed";
                }
                case "insert-hooked" -> insert(id, 0, true);
                case "hook-waiting" -> String.valueOf(PrepareHook.isWaiting());
                case "hook-release" -> {
                    PrepareHook.release();
                    yield "released";
                }
                case "pool" -> pool(Integer.parseInt(request.getParameter("n")));
                case "as" -> insertAs(request.getParameter("jndi"), id, commit);
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

    /** One JTA transaction: insert (then sleep in the same transaction), commit. */
    private String insert(String id, int sleepSeconds, boolean hooked) throws Exception {
        ut.begin();
        try {
            try (Connection c = ds.getConnection()) {
                try (PreparedStatement ps = c.prepareStatement("INSERT INTO rows (id) VALUES (?)")) {
                    ps.setString(1, id);
                    ps.executeUpdate();
                }
                if (sleepSeconds > 0) {
                    try (Statement s = c.createStatement()) {
                        s.execute("SELECT pg_sleep(" + sleepSeconds + ")");
                    }
                }
            }
            if (hooked) {
                tm.getTransaction().enlistResource(new PrepareHook());
            }
        } catch (SQLException e) {
            ut.rollback();
            return "rolledback " + e.getSQLState();
        }
        try {
            ut.commit();
            return "committed";
        } catch (RollbackException e) {
            return "rolledback commit";
        } catch (HeuristicMixedException | HeuristicRollbackException e) {
            return "unknown " + e;
        }
    }

    /**
     * One JTA transaction on the DataSource at {@code jndi} (looked up, so that the application deploys
     * before that resource exists): insert, read the database user, commit or roll back. Answers the user.
     */
    private String insertAs(String jndi, String id, boolean commit) throws Exception {
        DataSource named = (DataSource) new InitialContext().lookup(jndi);
        String user;
        ut.begin();
        try (Connection c = named.getConnection()) {
            try (PreparedStatement ps = c.prepareStatement("INSERT INTO rows (id) VALUES (?)")) {
                ps.setString(1, id);
                ps.executeUpdate();
            }
            try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery("SELECT current_user")) {
                rs.next();
                user = rs.getString(1);
            }
        } catch (Exception e) {
            ut.rollback();
            throw e;
        }
        if (commit) {
            ut.commit();
        } else {
            ut.rollback();
        }
        return user;
    }

    /** Takes {@code n} connections at once and says how many are on a writer. */
    private String pool(int n) throws SQLException {
        List<Connection> held = new ArrayList<>();
        int onWriter = 0;
        try {
            for (int i = 0; i < n; i++) {
                Connection c = ds.getConnection();
                held.add(c);
                try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery("SELECT NOT pg_is_in_recovery()")) {
                    rs.next();
                    onWriter += rs.getBoolean(1) ? 1 : 0;
                }
            }
        } finally {
            for (Connection c : held) {
                c.close();
            }
        }
        return held.size() + " " + onWriter;
    }
}
