package dev.awsjca.pipeline;

import java.security.AccessController;
import java.security.PrivilegedAction;

/**
 * Every thread the adapter starts (cluster monitors, their probes, host monitors) is made here. Threads
 * are often started on an application's request thread, and a plain {@code new Thread} would keep that
 * application's class loader alive after it is undeployed (a standalone rar outlives its wars): through
 * the context class loader, the inherited thread locals, and on Java 17 the access control context
 * captured from the creating stack. So each thread is a daemon (outside a server it never holds the JVM
 * open) whose context class loader is the adapter's own (the rar's, or the driver's outside a server),
 * with no inherited thread locals, made inside doPrivileged so that only the adapter's frames are captured.
 */
public final class AdapterThreads {

    private static final ClassLoader ADAPTER_LOADER = AdapterThreads.class.getClassLoader();

    private AdapterThreads() {
    }

    /** A new, not yet started daemon thread carrying the adapter's class loader. */
    @SuppressWarnings("removal") // AccessController: Java 17 still captures the creating stack's context in Thread
    public static Thread newThread(Runnable task, String name) {
        return AccessController.doPrivileged((PrivilegedAction<Thread>) () -> {
            Thread t = new Thread(null, task, name, 0, false);
            t.setDaemon(true);
            t.setContextClassLoader(ADAPTER_LOADER);
            return t;
        });
    }
}
