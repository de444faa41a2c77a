package dev.awsjca.wildflyapp;

import jakarta.annotation.Resource;
import jakarta.enterprise.concurrent.ManagedThreadFactory;
import jakarta.servlet.annotation.WebServlet;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import jakarta.transaction.UserTransaction;

import javax.naming.InitialContext;
import javax.naming.NamingException;
import javax.sql.DataSource;
import java.io.IOException;
import java.io.PrintWriter;

/**
 * The soak's read workload (scripts/soak.sh): {@code POST /reads/start?threads=4&ds=java:/jdbc/orders-reader&workers=8}
 * starts it (workers: how many order workers there are to read about), {@code GET /reads/status} answers one line of
 * counters ({@code reads=N failed=M last_read_ms=T nodes=12:N,13:M failures=08S02:K}), {@code POST /reads/stop} stops it and answers
 * the same line.
 */
@WebServlet("/reads/*")
public class ReadsServlet extends HttpServlet {

    private static final long serialVersionUID = 1L;

    @Resource
    private transient UserTransaction tx;

    @Resource
    private transient ManagedThreadFactory threadFactory;

    private static volatile ReadWorkload workload;

    @Override
    protected void doPost(HttpServletRequest request, HttpServletResponse response) throws IOException {
        response.setContentType("text/plain");
        PrintWriter out = response.getWriter();
        switch (String.valueOf(request.getPathInfo())) {
            case "/start" -> {
                if (workload != null && workload.running()) {
                    response.setStatus(409);
                    out.println("reads are running already");
                    return;
                }
                String jndi = param(request, "ds", "java:/jdbc/orders-reader");
                DataSource ds;
                try {
                    ds = InitialContext.doLookup(jndi);
                } catch (NamingException e) {
                    response.setStatus(404);
                    out.println("no DataSource at " + jndi + ": " + e);
                    return;
                }
                int threads = Integer.parseInt(param(request, "threads", "4"));
                ReadWorkload w = new ReadWorkload(ds, tx, threads, Integer.parseInt(param(request, "workers", "8")));
                workload = w;
                w.start(threadFactory);
                out.println("started " + threads + " readers on " + jndi);
            }
            case "/stop" -> {
                ReadWorkload w = workload;
                if (w == null) {
                    response.setStatus(409);
                    out.println("no reads");
                    return;
                }
                int busy;
                try {
                    busy = w.stop(Long.parseLong(param(request, "waitMs", "15000")));
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new IOException(e);
                }
                out.println(w.status() + " still_busy=" + busy);
            }
            default -> response.sendError(404);
        }
    }

    @Override
    protected void doGet(HttpServletRequest request, HttpServletResponse response) throws IOException {
        response.setContentType("text/plain");
        if (!"/status".equals(request.getPathInfo())) {
            response.sendError(404);
            return;
        }
        ReadWorkload w = workload;
        response.getWriter().println(w == null ? "none" : w.status());
    }

    private static String param(HttpServletRequest request, String name, String fallback) {
        String v = request.getParameter(name);
        return v == null || v.isBlank() ? fallback : v;
    }
}
