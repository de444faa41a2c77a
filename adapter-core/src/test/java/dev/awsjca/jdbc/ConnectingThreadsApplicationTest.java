package dev.awsjca.jdbc;

import dev.awsjca.pipeline.ConnectRequest;
import dev.awsjca.pipeline.HostConnection;
import dev.awsjca.testkit.TestDatabase;
import dev.awsjca.testkit.WithPgCluster;
import dev.awsjca.topology.HostSpec;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.InputStream;
import java.lang.ref.WeakReference;
import java.security.CodeSource;
import java.security.ProtectionDomain;
import java.security.cert.Certificate;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.Callable;
import java.util.function.Function;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

/**
 * Issue 13, found by RedeployIT: a physical connection lives in the rar's pool long after the request that
 * made it, and must not keep that request's application alive. A TLS socket keeps the access control
 * context of the thread that opened it (Java 17's SSLSocketImpl), that is the protection domains of every
 * frame on its stack, each naming its class loader: opened on an application's request thread, the
 * connection kept the undeployed application's class loader reachable for as long as the pool kept it.
 * Here an "application" is a class of its own class loader and protection domain that opens a connection
 * through the connector; with the connection still open and the application dropped, its loader must be
 * collectable.
 */
@WithPgCluster(replicas = 0)
class ConnectingThreadsApplicationTest {

    @Test
    void anOpenConnectionDoesNotKeepTheApplicationThatOpenedItReachable(TestDatabase db) throws Exception {
        Properties properties = db.credentials();
        properties.setProperty("sslmode", "require"); // the TLS socket is what kept the caller's context
        ConnectRequest request = new ConnectRequest(List.of(HostSpec.of(db.host(), db.port())), db.name(), properties, true);
        Callable<Object> connect = () -> PgjdbcConnector.INSTANCE.connect(request);

        ApplicationLoader application = new ApplicationLoader();
        @SuppressWarnings("unchecked")
        Function<Callable<Object>, Object> applicationCode = (Function<Callable<Object>, Object>)
                application.define(Application.class).getConstructor().newInstance();
        HostConnection connection = (HostConnection) applicationCode.apply(connect);
        WeakReference<ClassLoader> applicationLoader = new WeakReference<>(application);
        application = null;
        applicationCode = null;
        try {
            try (Statement s = connection.connection().createStatement(); ResultSet rs = s.executeQuery("SELECT ssl FROM pg_stat_ssl WHERE pid = pg_backend_pid()")) {
                rs.next();
                assertEquals(true, rs.getBoolean(1), "the connection runs over TLS");
            }
            for (int i = 0; i < 50 && applicationLoader.get() != null; i++) {
                System.gc();
                Thread.sleep(20);
            }
            assertNull(applicationLoader.get(), "the open connection keeps the application's class loader reachable");
        } finally {
            connection.connection().close();
        }
    }

    /** The application's code: it only puts its own frame (and protection domain) on the stack and calls back. */
    public static final class Application implements Function<Callable<Object>, Object> {
        @Override
        public Object apply(Callable<Object> task) {
            try {
                return task.call();
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        }
    }

    /** Defines a class anew, in a protection domain of its own that names this loader, as a server does for an application. */
    private static final class ApplicationLoader extends ClassLoader {

        ApplicationLoader() {
            super("application", ConnectingThreadsApplicationTest.class.getClassLoader());
        }

        Class<?> define(Class<?> c) throws IOException {
            byte[] bytes;
            try (InputStream in = getParent().getResourceAsStream(c.getName().replace('.', '/') + ".class")) {
                bytes = in.readAllBytes();
            }
            ProtectionDomain domain = new ProtectionDomain(new CodeSource(null, (Certificate[]) null), null, this, null);
            return defineClass(c.getName(), bytes, 0, bytes.length, domain);
        }
    }
}
