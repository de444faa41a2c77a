package dev.awsjca.it.bank.teller;

import dev.awsjca.reliability.bank.Attempt;
import dev.awsjca.reliability.bank.Ledger;
import jakarta.annotation.Resource;
import jakarta.enterprise.concurrent.ManagedThreadFactory;
import jakarta.servlet.annotation.WebServlet;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import jakarta.transaction.UserTransaction;

import javax.sql.DataSource;
import java.io.IOException;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * The WildFly bank's tellers, driven over HTTP by the test, which injects the faults and audits the databases:
 * {@code POST /bank/start?tellers=N&seed=S&accounts=N}, {@code GET /bank/status} (one line of key=value),
 * {@code POST /bank/stop}, {@code GET /bank/ledger} (the application's conclusions, one per line).
 */
@WebServlet("/bank/*")
public class BankServlet extends HttpServlet {

    private static final long serialVersionUID = 1L;

    @Resource(lookup = "java:/jdbc/bank_a")
    private transient DataSource bankA;

    @Resource(lookup = "java:/jdbc/bank_b")
    private transient DataSource bankB;

    @Resource
    private transient UserTransaction tx;

    @Resource
    private transient ManagedThreadFactory threadFactory;

    private static final Ledger LEDGER = new Ledger();
    private static final AtomicBoolean STOPPING = new AtomicBoolean();
    private static final List<Thread> TELLERS = new ArrayList<>();

    @Override
    protected void doPost(HttpServletRequest request, HttpServletResponse response) throws IOException {
        response.setContentType("text/plain");
        PrintWriter out = response.getWriter();
        synchronized (TELLERS) {
            switch (String.valueOf(request.getPathInfo())) {
                case "/start" -> {
                    int tellers = Integer.parseInt(request.getParameter("tellers"));
                    long seed = Long.parseLong(request.getParameter("seed"));
                    int accounts = Integer.parseInt(request.getParameter("accounts"));
                    for (int i = 1; i <= tellers; i++) {
                        Thread t = threadFactory.newThread(new XaTeller(i, tx, bankA, bankB, LEDGER, seed * 31 + i, accounts, STOPPING::get));
                        t.start();
                        TELLERS.add(t);
                    }
                    out.println("started " + tellers + " tellers");
                }
                case "/stop" -> {
                    STOPPING.set(true);
                    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(150);
                    int running = 0;
                    for (Thread t : TELLERS) {
                        try {
                            t.join(Math.max(1, TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime())));
                        } catch (InterruptedException e) {
                            Thread.currentThread().interrupt();
                        }
                        running += t.isAlive() ? 1 : 0;
                    }
                    out.println("stopped, " + running + " still running");
                }
                default -> response.sendError(404);
            }
        }
    }

    @Override
    protected void doGet(HttpServletRequest request, HttpServletResponse response) throws IOException {
        response.setContentType("text/plain");
        PrintWriter out = response.getWriter();
        switch (String.valueOf(request.getPathInfo())) {
            case "/status" -> out.println("completed=" + LEDGER.completed()
                    + " sinceLastCommitMs=" + TimeUnit.NANOSECONDS.toMillis(LEDGER.nanosSinceLastCommit())
                    + " errors=" + LEDGER.errorCount());
            case "/longest-pause" -> out.println(TimeUnit.NANOSECONDS.toMillis(LEDGER.takeLongestPauseNanos()));
            case "/ledger" -> {
                // only transfers that began are in it; each writes to both databases
                for (Attempt a : LEDGER.acknowledged().values()) {
                    out.println("acknowledged " + a.transferId() + " " + a.number());
                }
                for (Attempt a : LEDGER.foundByLookUp().values()) {
                    out.println("found " + a.transferId() + " " + a.number());
                }
                for (Attempt a : LEDGER.failed()) {
                    out.println("failed " + a.transferId() + " " + a.number());
                }
                for (long id : LEDGER.abandoned()) {
                    out.println("abandoned " + id);
                }
                Map<String, String> examples = LEDGER.errorExamples();
                LEDGER.errors().forEach((where, count) -> out.println("error " + count + " " + where
                        + (examples.containsKey(where) ? "\t" + examples.get(where).replaceAll("[\\r\\n\\t]", " ") : "")));
            }
            default -> response.sendError(404);
        }
    }
}
