package dev.awsjca.it.failover;

import dev.awsjca.testapp.PrepareHook;
import jakarta.annotation.Resource;
import jakarta.enterprise.concurrent.ManagedThreadFactory;
import jakarta.servlet.annotation.WebServlet;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import jakarta.transaction.HeuristicMixedException;
import jakarta.transaction.HeuristicRollbackException;
import jakarta.transaction.RollbackException;
import jakarta.transaction.TransactionManager;
import jakarta.transaction.UserTransaction;

import javax.sql.DataSource;
import java.io.IOException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * An application under failover, driven over HTTP: {@code /failover?op=...}. Every answer says what the
 * application saw, in words the test parses: {@code committed}, {@code rolledback <SQLState>},
 * {@code unknown <exception>}.
 */
@WebServlet("/failover")
public class FailoverServlet extends HttpServlet {

    private static final long serialVersionUID = 1L;

    @Resource(lookup = "java:/jdbc/failover")
    private DataSource ds;

    @Resource
    private UserTransaction ut;

    @Resource(lookup = "java:/TransactionManager")
    private TransactionManager tm;

    @Resource
    private ManagedThreadFactory threads;

    @Override
    protected void doGet(HttpServletRequest request, HttpServletResponse response) throws IOException {
        String op = request.getParameter("op");
        String id = request.getParameter("id");
        String answer;
        try {
            answer = switch (op) {
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
                case "load" -> load(request.getParameter("prefix"), Integer.parseInt(request.getParameter("threads")),
                        Long.parseLong(request.getParameter("millis")));
                case "pool" -> pool(Integer.parseInt(request.getParameter("n")));
                default -> throw new IllegalArgumentException("unknown op " + op);
            };
        } catch (Exception e) {
            response.setStatus(500);
            answer = e.toString();
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

    /** {@code threads} threads of back-to-back transactions for {@code millis}; one line per transaction. */
    private String load(String prefix, int threads, long millis) throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(threads, this.threads);
        long end = System.currentTimeMillis() + millis;
        List<Future<StringBuilder>> results = new ArrayList<>();
        for (int t = 0; t < threads; t++) {
            String threadPrefix = prefix + "-" + t + "-";
            results.add(pool.submit(() -> {
                StringBuilder lines = new StringBuilder();
                for (int n = 0; System.currentTimeMillis() < end; n++) {
                    String id = threadPrefix + n;
                    String outcome;
                    try {
                        outcome = insert(id, 0, false);
                    } catch (Exception e) {
                        outcome = "unknown " + e;
                        try {
                            if (ut.getStatus() != jakarta.transaction.Status.STATUS_NO_TRANSACTION) {
                                ut.rollback();
                            }
                        } catch (Exception ignored) {
                            // reported above
                        }
                    }
                    lines.append(id).append(' ').append(outcome.replace('\n', ' ')).append('\n');
                }
                return lines;
            }));
        }
        StringBuilder all = new StringBuilder();
        for (Future<StringBuilder> f : results) {
            all.append(f.get());
        }
        pool.shutdown();
        return all.toString();
    }

    /** Takes {@code n} connections at once (the whole pool) and says how many are on a writer. */
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
