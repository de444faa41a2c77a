package dev.awsjca.it.probe;

import jakarta.servlet.annotation.WebServlet;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

import java.io.IOException;
import java.lang.ref.WeakReference;
import java.lang.reflect.InvocationTargetException;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

/**
 * Deployed on its own, so it outlives the deployments it watches. {@code /classloaders?op=watch&module=deployment.x.war}
 * keeps a weak reference to that deployed module's class loader and answers its number (1, 2, ... in the order
 * watched); {@code op=reachable&module=...&waitMs=...} answers the numbers of the loaders watched under that
 * name that are still reachable (comma-separated, empty for none) once the collector had the chance to take
 * them: System.gc() every 100 ms until all are cleared or the time is up. A weak reference is cleared only
 * when nothing strong or soft holds the loader, so an empty answer means every class of those deployments
 * can be unloaded.
 */
@WebServlet("/classloaders")
public class ClassLoadersServlet extends HttpServlet {

    private static final long serialVersionUID = 1L;
    private static final Map<String, List<WeakReference<ClassLoader>>> WATCHED = new ConcurrentHashMap<>();

    @Override
    protected void doGet(HttpServletRequest request, HttpServletResponse response) throws IOException {
        String module = request.getParameter("module");
        String answer;
        try {
            answer = switch (request.getParameter("op")) {
                case "watch" -> watch(module);
                case "reachable" -> reachable(module, Long.parseLong(request.getParameter("waitMs")));
                default -> throw new IllegalArgumentException("unknown op");
            };
        } catch (ReflectiveOperationException | RuntimeException e) {
            response.setStatus(500);
            answer = e instanceof InvocationTargetException i ? i.getCause().toString() : e.toString();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            response.setStatus(500);
            answer = e.toString();
        }
        response.setContentType("text/plain");
        response.getWriter().print(answer);
    }

    /**
     * The module is found through this war's own module loader (WildFly's, which holds every deployment's
     * module), by reflection: the probe needs no compile-time or module dependency on jboss-modules.
     */
    private String watch(String module) throws ReflectiveOperationException {
        ClassLoader own = ClassLoadersServlet.class.getClassLoader();
        Object ownModule = own.getClass().getMethod("getModule").invoke(own);
        Object moduleLoader = ownModule.getClass().getMethod("getModuleLoader").invoke(ownModule);
        Object watched = moduleLoader.getClass().getMethod("loadModule", String.class).invoke(moduleLoader, module);
        ClassLoader loader = (ClassLoader) watched.getClass().getMethod("getClassLoader").invoke(watched);
        List<WeakReference<ClassLoader>> loaders = WATCHED.computeIfAbsent(module, m -> new CopyOnWriteArrayList<>());
        loaders.add(new WeakReference<>(loader));
        return String.valueOf(loaders.size());
    }

    private static String reachable(String module, long waitMs) throws InterruptedException {
        List<WeakReference<ClassLoader>> loaders = WATCHED.getOrDefault(module, List.of());
        long deadline = System.nanoTime() + waitMs * 1_000_000;
        String left = uncleared(loaders);
        while (!left.isEmpty() && System.nanoTime() < deadline) {
            System.gc();
            Thread.sleep(100);
            left = uncleared(loaders);
        }
        return left;
    }

    private static String uncleared(List<WeakReference<ClassLoader>> loaders) {
        return IntStream.range(0, loaders.size()).filter(i -> loaders.get(i).get() != null)
                .mapToObj(i -> String.valueOf(i + 1)).collect(Collectors.joining(","));
    }
}
