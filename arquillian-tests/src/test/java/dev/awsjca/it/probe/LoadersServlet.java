package dev.awsjca.it.probe;

import jakarta.servlet.annotation.WebServlet;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

import java.io.IOException;
import java.util.stream.Collectors;

/**
 * Deployed on its own, so it outlives the applications: {@code /loaders?module=deployment.x.war} lists the
 * adapter's threads (aws-jca-*) whose context class loader is that module's.
 */
@WebServlet("/loaders")
public class LoadersServlet extends HttpServlet {

    private static final long serialVersionUID = 1L;

    @Override
    protected void doGet(HttpServletRequest request, HttpServletResponse response) throws IOException {
        response.setContentType("text/plain");
        String module = request.getParameter("module");
        response.getWriter().print(Thread.getAllStackTraces().keySet().stream()
                .filter(t -> t.getName().startsWith("aws-jca-"))
                .filter(t -> String.valueOf(t.getContextClassLoader()).contains(module))
                .map(Thread::getName).sorted().collect(Collectors.joining("\n")));
    }
}
