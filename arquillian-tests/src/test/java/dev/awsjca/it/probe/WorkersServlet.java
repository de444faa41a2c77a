package dev.awsjca.it.probe;

import jakarta.servlet.annotation.WebServlet;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

import java.io.IOException;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * WildFly's request threads ("default task-N", jboss-threads 3.9 EnhancedQueueExecutor) each keep the task
 * they were created for in a local variable of their outermost frame (ThreadBody.run, line 1589) for as
 * long as they live: a request that made the pool start a thread keeps its servlet, deployment and class
 * loader reachable after an undeploy, until that thread ends. So before each load RedeployIT occupies
 * every request thread (and at least as many as the load needs) with this probe's own requests: the
 * application's requests then find threads waiting and never make the pool start one.
 * {@code /workers?op=count} answers how many request threads there are; {@code op=occupy&round=r&n=k} holds
 * its thread until k requests of round r are in (10 s at most) and answers the thread's name.
 */
@WebServlet("/workers")
public class WorkersServlet extends HttpServlet {

    private static final long serialVersionUID = 1L;
    private static final String REQUEST_THREAD = "default task-";
    private static final Map<String, CountDownLatch> ROUNDS = new ConcurrentHashMap<>();

    @Override
    protected void doGet(HttpServletRequest request, HttpServletResponse response) throws IOException {
        String answer;
        if ("occupy".equals(request.getParameter("op"))) {
            String round = request.getParameter("round");
            CountDownLatch all = ROUNDS.computeIfAbsent(round, r -> new CountDownLatch(Integer.parseInt(request.getParameter("n"))));
            all.countDown();
            try {
                answer = all.await(10, TimeUnit.SECONDS) ? Thread.currentThread().getName() : "timeout";
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                answer = "interrupted";
            }
        } else {
            answer = String.valueOf(Thread.getAllStackTraces().keySet().stream()
                    .filter(t -> t.getName().startsWith(REQUEST_THREAD)).count());
        }
        response.setContentType("text/plain");
        response.getWriter().print(answer);
    }
}
