package dev.awsjca.it.heap;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The test server's heap, for explaining a class loader that stays reachable: {@code jcmd <pid> GC.heap_dump}
 * on the WildFly process this JVM started (Arquillian's managed container is a child of the test JVM), then
 * {@link LoaderPaths}. Slow (seconds) and large (the dump is about the server's used heap): for diagnosis
 * when a cheap check fails, not for every check.
 */
public final class ServerHeap {

    private ServerHeap() {
    }

    /**
     * Dumps the server's live objects to {@code dump} (a full GC comes first) and reports what holds each
     * loader of a module named {@code modulePrefix}*. The dump is deleted afterwards unless
     * {@code awsjca.keepHeapDumps} is true; the report is written beside it (.txt).
     */
    public static List<String> explainLoaders(Path dump, String modulePrefix) {
        List<String> report = new ArrayList<>();
        try {
            long pid = wildFlyPid();
            Files.createDirectories(dump.toAbsolutePath().getParent());
            Files.deleteIfExists(dump);
            Path jcmd = Path.of(System.getProperty("java.home"), "bin", "jcmd");
            Process p = new ProcessBuilder(jcmd.toString(), Long.toString(pid), "GC.heap_dump", dump.toAbsolutePath().toString())
                    .redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!p.waitFor(120, TimeUnit.SECONDS) || p.exitValue() != 0 || !Files.exists(dump)) {
                report.add("jcmd " + pid + " GC.heap_dump failed: " + out.strip());
                return report;
            }
            report.add("heap dump of WildFly (pid " + pid + "), " + Files.size(dump) / (1024 * 1024) + " MiB: " + dump);
            report.addAll(LoaderPaths.explain(dump, modulePrefix));
            Files.write(Path.of(dump + ".txt"), report, StandardCharsets.UTF_8);
            if (!Boolean.getBoolean("awsjca.keepHeapDumps")) {
                Files.delete(dump);
            }
        } catch (IOException | RuntimeException e) {
            report.add("could not explain the loaders: " + e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            report.add("interrupted while dumping the heap");
        }
        return report;
    }

    /** The WildFly server this JVM started: a descendant running jboss-modules. */
    static long wildFlyPid() {
        return ProcessHandle.current().descendants()
                .filter(h -> h.info().commandLine().map(c -> c.contains("jboss-modules.jar")).orElse(false))
                .mapToLong(ProcessHandle::pid).findFirst()
                .orElseThrow(() -> new IllegalStateException("no WildFly process among this JVM's descendants"));
    }
}
