package dev.awsjca.it.metrics;

import jakarta.annotation.Resource;
import jakarta.servlet.annotation.WebServlet;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

import javax.management.MBeanServer;
import javax.management.ObjectName;
import javax.management.openmbean.CompositeData;
import javax.management.openmbean.TabularData;
import javax.sql.DataSource;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.Arrays;
import java.util.TreeMap;
import java.util.stream.Collectors;

/** Uses the metrics connection definition, and reads MBeans from the server's platform MBean server, as jconsole does. */
@WebServlet("/metrics")
public class MetricsServlet extends HttpServlet {

    private static final long serialVersionUID = 1L;

    @Resource(lookup = "java:/jdbc/metrics")
    private DataSource dataSource;

    @Override
    protected void doGet(HttpServletRequest request, HttpServletResponse response) throws IOException {
        response.setContentType("text/plain");
        try {
            response.getWriter().print(switch (request.getParameter("op")) {
                case "use" -> use();
                case "names" -> names(request.getParameter("pattern"));
                case "attribute" -> attribute(request.getParameter("name"), request.getParameter("attribute"));
                default -> throw new IllegalArgumentException("op?");
            });
        } catch (Exception e) {
            response.sendError(500, e.toString());
        }
    }

    private String use() throws Exception {
        try (Connection c = dataSource.getConnection(); Statement s = c.createStatement(); ResultSet rs = s.executeQuery("SELECT 1")) {
            rs.next();
            return "ok";
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
