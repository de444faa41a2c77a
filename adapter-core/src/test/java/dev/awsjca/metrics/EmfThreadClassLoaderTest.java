package dev.awsjca.metrics;

import org.junit.jupiter.api.Test;

import java.net.URL;
import java.net.URLClassLoader;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The EMF output's timer thread is started by the first definition that enables {@code telemetry=emf},
 * on whatever thread opens its first connection: often an application's request thread. It must carry the
 * adapter's class loader, not that application's, or an undeployed application stays in memory as long as
 * the adapter runs (the same defect as issue 12's defect 7, in a thread that was not made by AdapterThreads).
 */
class EmfThreadClassLoaderTest {

    @Test
    void theEmfTimerCarriesTheAdaptersClassLoaderNotTheApplications() throws Exception {
        ClassLoader original = Thread.currentThread().getContextClassLoader();
        try (MetricsRegistry registry = new MetricsRegistry();
             URLClassLoader application = new URLClassLoader("application", new URL[0], original)) {
            Thread.currentThread().setContextClassLoader(application);
            EmfOutput emf;
            try {
                emf = new EmfOutput(registry, 3600);
            } finally {
                Thread.currentThread().setContextClassLoader(original);
            }
            try {
                List<Thread> timers = Thread.getAllStackTraces().keySet().stream()
                        .filter(t -> t.getName().equals("aws-jca-metrics-emf")).toList();
                assertFalse(timers.isEmpty(), "the EMF timer runs");
                for (Thread t : timers) {
                    assertNotSame(application, t.getContextClassLoader(), "the EMF timer keeps the application's class loader");
                    assertTrue(t.isDaemon());
                }
            } finally {
                emf.close();
            }
        }
    }
}
