package dev.awsjca.testapp.probe;

import jakarta.servlet.annotation.WebServlet;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

import javax.management.MBeanServer;
import javax.management.ObjectName;
import javax.management.openmbean.CompositeData;
import javax.management.openmbean.TabularData;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.util.Arrays;
import java.util.TreeMap;
import java.util.stream.Collectors;

/**
 * Reads the server's platform MBean server, where jconsole looks: {@code /mbeans?op=names&pattern=dev.awsjca:*}
 * lists names, {@code /mbeans?op=attribute&name=...&attribute=...} reads one attribute as text.
 */
@WebServlet("/mbeans")
public class MBeansServlet extends HttpServlet {

    private static final long serialVersionUID = 1L;

    @Override
    protected void doGet(HttpServletRequest request, HttpServletResponse response) throws IOException {
        response.setContentType("text/plain");
        try {
            response.getWriter().print(switch (String.valueOf(request.getParameter("op"))) {
                case "names" -> names(request.getParameter("pattern"));
                case "attribute" -> attribute(request.getParameter("name"), request.getParameter("attribute"));
                default -> throw new IllegalArgumentException("op must be names or attribute");
            });
        } catch (Exception e) {
            response.sendError(500, e.toString());
        }
    }

    private static String names(String pattern) throws Exception {
        return ManagementFactory.getPlatformMBeanServer().queryNames(new ObjectName(pattern), null).stream()
                .map(ObjectName::toString).sorted().collect(Collectors.joining("\n"));
    }

    /** Simple values as text; a map (TabularData) as key=value lines; an array one element a line. */
    private static String attribute(String name, String attribute) throws Exception {
        MBeanServer server = ManagementFactory.getPlatformMBeanServer();
        Object value = server.getAttribute(new ObjectName(name), attribute);
        if (value instanceof TabularData table) {
            TreeMap<String, String> m = new TreeMap<>();
            for (Object row : table.values()) {
                m.put(String.valueOf(((CompositeData) row).get("key")), String.valueOf(((CompositeData) row).get("value")));
            }
            return m.entrySet().stream().map(e -> e.getKey() + "=" + e.getValue()).collect(Collectors.joining("\n"));
        }
        if (value instanceof Object[] array) {
            return Arrays.stream(array).map(String::valueOf).collect(Collectors.joining("\n"));
        }
        return String.valueOf(value);
    }
}
