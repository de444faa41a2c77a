package dev.awsjca.pipeline;

import java.security.AccessController;
import java.security.PrivilegedAction;
import java.security.PrivilegedActionException;
import java.security.PrivilegedExceptionAction;

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

    /**
     * Runs {@code action} on the calling thread as the adapter: inside doPrivileged (only the adapter's frames
     * are captured by what it creates, e.g. a TLS socket's access control context) and with the adapter's class
     * loader as the thread's context class loader for its duration. For work whose result outlives the
     * application thread that asked for it (a pooled physical connection).
     */
    @SuppressWarnings("removal") // AccessController: Java 17 still captures the caller's protection domains
    public static <T> T callAsAdapter(PrivilegedExceptionAction<T> action) throws Exception {
        Thread current = Thread.currentThread();
        ClassLoader callers = current.getContextClassLoader();
        current.setContextClassLoader(ADAPTER_LOADER);
        try {
            return AccessController.doPrivileged(action);
        } catch (PrivilegedActionException e) {
            throw e.getException();
        } finally {
            current.setContextClassLoader(callers);
        }
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
