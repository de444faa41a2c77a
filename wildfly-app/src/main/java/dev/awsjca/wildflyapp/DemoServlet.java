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
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Collectors;

/**
 * The demo's control: {@code POST /demo/start?threads=8&ds=java:/jdbc/orders} starts the order workload,
 * {@code GET /demo/status} answers one line of counters, {@code POST /demo/stop?crashAt=<epoch ms>&oldWriter=<instance>}
 * stops it and answers what the application saw, {@code GET /demo/committed} lists the keys it believes
 * committed ({@code worker,seq} lines) for the script to check against the database, {@code GET /demo/highest}
 * each worker's highest committed order ({@code worker,seq} lines: its orders 1 to seq are committed; with
 * {@code keepKeys=false} at start, as the soak runs it, the only record kept), {@code GET /demo/failures}
 * the stack traces of the first failures, {@code GET /demo/timeline.png?crashAt=..&promotedAt=..&writableAt=..&oldWriter=..}
 * the timeline picture (epoch ms of the testkit's failover steps).
 */
@WebServlet("/demo/*")
public class DemoServlet extends HttpServlet {

    private static final long serialVersionUID = 1L;

    @Resource
    private transient UserTransaction tx;

    @Resource
    private transient ManagedThreadFactory threadFactory;

    private static volatile OrdersWorkload workload;

    @Override
    protected void doPost(HttpServletRequest request, HttpServletResponse response) throws IOException {
        response.setContentType("text/plain");
        PrintWriter out = response.getWriter();
        switch (String.valueOf(request.getPathInfo())) {
            case "/start" -> {
                if (workload != null && workload.running()) {
                    response.setStatus(409);
                    out.println("a workload is running already");
                    return;
                }
                int threads = Integer.parseInt(param(request, "threads", "8"));
                String jndi = param(request, "ds", "java:/jdbc/orders");
                DataSource ds;
                try {
                    ds = InitialContext.doLookup(jndi);
                } catch (NamingException e) {
                    response.setStatus(404);
                    out.println("no DataSource at " + jndi + ": " + e);
                    return;
                }
                boolean keepKeys = Boolean.parseBoolean(param(request, "keepKeys", "true"));
                OrdersWorkload w = new OrdersWorkload(ds, tx, threads, keepKeys);
                workload = w;
                w.start(threadFactory);
                out.println("started " + threads + " workers on " + jndi);
            }
            case "/stop" -> {
                OrdersWorkload w = workload;
                if (w == null) {
                    response.setStatus(409);
                    out.println("no workload");
                    return;
                }
                List<String> stuck;
                try {
                    stuck = w.stop(Long.parseLong(param(request, "waitMs", "15000")));
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new IOException(e);
                }
                long crashAt = Long.parseLong(param(request, "crashAt", "0"));
                out.print(DemoReport.write(w, crashAt, param(request, "oldWriter", ""), stuck));
            }
            default -> response.sendError(404);
        }
    }

    @Override
    protected void doGet(HttpServletRequest request, HttpServletResponse response) throws IOException {
        OrdersWorkload w = workload;
        if ("/timeline.png".equals(request.getPathInfo())) {
            timeline(w, request, response);
            return;
        }
        response.setContentType("text/plain");
        PrintWriter out = response.getWriter();
        switch (String.valueOf(request.getPathInfo())) {
            case "/status" -> {
                if (w == null) {
                    out.println("none");
                    return;
                }
                Map<String, Long> kinds = w.failureCounts();
                // one line of key=value words; failures as stage:kind:count
                out.println("elapsed_ms=" + (System.currentTimeMillis() - w.startedAt)
                        + " committed=" + w.committed.sum()
                        + " failed=" + w.failedAttempts.sum()
                        + " workers=" + w.activeWorkers.get()
                        + " node=" + (w.lastNode.isEmpty() ? "-" : w.lastNode)
                        + " last_commit_ms=" + w.byNode.values().stream().mapToLong(n -> n.last.get()).max().orElse(0)
                        + " failures=" + (kinds.isEmpty() ? "-" : kinds.entrySet().stream()
                                .map(e -> e.getKey().replace(' ', ':') + ":" + e.getValue()).collect(Collectors.joining(","))));
            }
            case "/committed" -> {
                if (w == null) {
                    return;
                }
                List<long[]> keys = new ArrayList<>(w.committedKeys);
                StringBuilder s = new StringBuilder(keys.size() * 8);
                for (long[] k : keys) {
                    s.append(k[0]).append(',').append(k[1]).append('\n');
                }
                out.print(s);
            }
            case "/highest" -> {
                if (w == null) {
                    return;
                }
                for (int worker = 1; worker < w.highestCommitted.length(); worker++) {
                    out.println(worker + "," + w.highestCommitted.get(worker));
                }
            }
            case "/failures" -> {
                if (w != null) {
                    w.traces.forEach(t -> out.println(t));
                }
            }
            default -> response.sendError(404);
        }
    }

    private static void timeline(OrdersWorkload w, HttpServletRequest request, HttpServletResponse response)
            throws IOException {
        if (w == null) {
            response.sendError(409, "no workload");
            return;
        }
        DemoTimeline.Events events = new DemoTimeline.Events(Long.parseLong(param(request, "crashAt", "0")),
                Long.parseLong(param(request, "promotedAt", "0")), Long.parseLong(param(request, "writableAt", "0")),
                param(request, "oldWriter", ""));
        Map<String, List<Long>> commits = new TreeMap<>();
        w.byNode.forEach((node, n) -> commits.put(node, new ArrayList<>(n.times)));
        long end = w.stoppedAt() == 0 ? System.currentTimeMillis() : w.stoppedAt();
        byte[] png = DemoTimeline.png(commits, new ArrayList<>(w.failures), w.startedAt, end, events);
        response.setContentType("image/png");
        response.setContentLength(png.length);
        response.getOutputStream().write(png);
    }

    private static String param(HttpServletRequest request, String name, String fallback) {
        String v = request.getParameter(name);
        return v == null || v.isBlank() ? fallback : v;
    }
}
