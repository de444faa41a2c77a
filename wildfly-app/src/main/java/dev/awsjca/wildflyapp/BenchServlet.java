package dev.awsjca.wildflyapp;

import jakarta.annotation.Resource;
import jakarta.enterprise.concurrent.ManagedThreadFactory;
import jakarta.servlet.annotation.WebServlet;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import jakarta.transaction.Status;
import jakarta.transaction.UserTransaction;

import javax.naming.InitialContext;
import javax.naming.NamingException;
import javax.sql.DataSource;
import java.io.IOException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.LongAdder;

/**
 * One benchmark round inside the server: {@code POST /bench?ds=<jndi>&threads=16&seconds=10&op=insert} runs
 * that many threads, each repeating one JTA transaction (UserTransaction begin, getConnection, one INSERT, or
 * with {@code op=read} one SELECT of a row by its key, close, commit) until the time is up, and answers {@code committed=N errors=M seconds=S tx_per_s=X}. Only transactions whose
 * commit returned before the deadline count. The same code runs for every DataSource, so rounds differ only
 * by the DataSource behind the JNDI name.
 */
@WebServlet("/bench")
public class BenchServlet extends HttpServlet {

    private static final long serialVersionUID = 1L;
    static final String INSERT = "INSERT INTO bench (thread, n) VALUES (?, ?)";
    static final String READ = "SELECT v FROM bench_read WHERE id = ?";
    static final int READ_ROWS = 1000; // scripts/bench-server.sh fills bench_read with ids 1..1000

    @Resource
    private transient UserTransaction tx;

    @Resource
    private transient ManagedThreadFactory threadFactory;

    @Override
    protected void doPost(HttpServletRequest request, HttpServletResponse response) throws IOException {
        response.setContentType("text/plain");
        String jndi = request.getParameter("ds");
        int threads = Integer.parseInt(request.getParameter("threads") == null ? "16" : request.getParameter("threads"));
        double seconds = Double.parseDouble(request.getParameter("seconds") == null ? "10" : request.getParameter("seconds"));
        boolean read = "read".equals(request.getParameter("op"));
        if (!read && request.getParameter("op") != null && !"insert".equals(request.getParameter("op"))) {
            response.setStatus(400);
            response.getWriter().println("op must be insert or read, not " + request.getParameter("op"));
            return;
        }
        DataSource ds;
        try {
            ds = InitialContext.doLookup(jndi);
        } catch (NamingException e) {
            response.setStatus(404);
            response.getWriter().println("no DataSource at " + jndi + ": " + e);
            return;
        }
        LongAdder committed = new LongAdder();
        LongAdder errors = new LongAdder();
        Map<String, LongAdder> kinds = new ConcurrentHashMap<>();
        CountDownLatch ready = new CountDownLatch(threads);
        CountDownLatch go = new CountDownLatch(1);
        long[] window = new long[2];
        Thread[] workers = new Thread[threads];
        for (int i = 0; i < threads; i++) {
            int id = i;
            workers[i] = threadFactory.newThread(() -> {
                ready.countDown();
                try {
                    go.await();
                } catch (InterruptedException e) {
                    return;
                }
                long deadline = window[1];
                long n = 0;
                while (System.nanoTime() < deadline) {
                    try {
                        tx.begin();
                        try (Connection c = ds.getConnection(); PreparedStatement ps = c.prepareStatement(read ? READ : INSERT)) {
                            if (read) {
                                int key = (int) ((++n * 31 + id) % READ_ROWS) + 1;
                                ps.setInt(1, key);
                                try (ResultSet rs = ps.executeQuery()) {
                                    if (!rs.next()) {
                                        throw new IllegalStateException("bench_read has no row " + key);
                                    }
                                }
                            } else {
                                ps.setInt(1, id);
                                ps.setLong(2, ++n);
                                ps.executeUpdate();
                            }
                        }
                        tx.commit();
                        if (System.nanoTime() <= deadline) {
                            committed.increment();
                        }
                    } catch (Exception | Error e) {
                        errors.increment();
                        kinds.computeIfAbsent(Failures.kind(e), k -> new LongAdder()).increment();
                        try {
                            if (tx.getStatus() != Status.STATUS_NO_TRANSACTION) {
                                tx.rollback();
                            }
                        } catch (Exception | Error ignored) {
                            // counted above
                        }
                    }
                }
            });
            workers[i].setName("bench-" + i);
            workers[i].start();
        }
        try {
            ready.await();
            window[0] = System.nanoTime();
            window[1] = window[0] + (long) (seconds * 1e9);
            go.countDown(); // publishes window[] to the workers (happens-before through the latch)
            for (Thread t : workers) {
                t.join();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException(e);
        }
        Map<String, Long> byKind = new TreeMap<>();
        kinds.forEach((k, v) -> byKind.put(k, v.sum()));
        response.getWriter().printf(Locale.ROOT, "committed=%d errors=%d seconds=%.1f tx_per_s=%.1f kinds=%s%n",
                committed.sum(), errors.sum(), seconds, committed.sum() / seconds, byKind.isEmpty() ? "-" : byKind);
    }
}
