package dev.awsjca.it.credentials;

import jakarta.ejb.EJB;
import jakarta.servlet.annotation.WebServlet;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;

/**
 * {@code /credentials?def=iam|secrets&id=...&commit=true|false} inserts a row in a CMT bean and answers the
 * database user; {@code /credentials?def=metadata} answers how the server JVM keeps the SDK off the
 * instance metadata address.
 */
@WebServlet("/credentials")
public class CredentialsServlet extends HttpServlet {

    private static final long serialVersionUID = 1L;

    @EJB
    private CredentialRows rows;

    @Override
    protected void doGet(HttpServletRequest request, HttpServletResponse response) throws IOException {
        String answer;
        try {
            String definition = request.getParameter("def");
            answer = definition.equals("metadata")
                    ? System.getenv("AWS_EC2_METADATA_DISABLED") + " " + System.getProperty("aws.disableEc2Metadata")
                    : rows.insert(definition, request.getParameter("id"), Boolean.parseBoolean(request.getParameter("commit")));
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
