package dev.awsjca.testapp.probe;

import jakarta.servlet.annotation.WebServlet;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

import java.io.IOException;
import java.util.stream.Collectors;

/** Deployed on its own, so it outlives the adapter: lists the server's threads named aws-jca-*. */
@WebServlet("/threads")
public class ThreadsServlet extends HttpServlet {

    private static final long serialVersionUID = 1L;

    @Override
    protected void doGet(HttpServletRequest request, HttpServletResponse response) throws IOException {
        response.setContentType("text/plain");
        response.getWriter().print(Thread.getAllStackTraces().keySet().stream()
                .map(Thread::getName).filter(n -> n.startsWith("aws-jca-")).sorted()
                .collect(Collectors.joining("\n")));
    }
}
