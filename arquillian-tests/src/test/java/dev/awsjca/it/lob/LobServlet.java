package dev.awsjca.it.lob;

import jakarta.ejb.EJB;
import jakarta.servlet.annotation.WebServlet;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;

/** {@code /lob?op=store|read&id=..&size=..}: a @Lob entity written and read back in JTA transactions. */
@WebServlet("/lob")
public class LobServlet extends HttpServlet {

    private static final long serialVersionUID = 1L;

    @EJB
    private LobDocuments documents;

    @Override
    protected void doGet(HttpServletRequest request, HttpServletResponse response) throws IOException {
        String answer;
        try {
            long id = Long.parseLong(request.getParameter("id"));
            int size = Integer.parseInt(request.getParameter("size"));
            if (request.getParameter("op").equals("store")) {
                documents.store(id, size);
                answer = "stored";
            } else {
                answer = documents.matches(id, size) ? "same" : "different";
            }
        } catch (Exception e) {
            response.setStatus(500);
            StringWriter trace = new StringWriter();
            e.printStackTrace(new PrintWriter(trace));
            answer = trace.toString();
        }
        response.setContentType("text/plain");
        response.getWriter().print(answer);
    }
}
