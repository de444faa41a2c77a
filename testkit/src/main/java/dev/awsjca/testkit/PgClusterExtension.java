package dev.awsjca.testkit;

import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolutionException;
import org.junit.jupiter.api.extension.ParameterResolver;
import org.junit.platform.commons.support.AnnotationSupport;

/**
 * JUnit 5 extension: a running {@link PgCluster} and a fresh {@link TestDatabase} for each test class
 * (one database per class, dropped after it; tests of a class share it). Configure with
 * {@link WithPgCluster}; a bare {@code @ExtendWith(PgClusterExtension.class)} gets its defaults.
 * Shared clusters are reused by later classes of the same configuration and stopped at JVM exit.
 */
public final class PgClusterExtension implements BeforeAllCallback, AfterAllCallback, ParameterResolver {

    private static final ExtensionContext.Namespace NAMESPACE = ExtensionContext.Namespace.create(PgClusterExtension.class);
    private static final String CLUSTER = "cluster";
    private static final String DATABASE = "database";
    private static final String SPEC = "spec";
    private static final System.Logger LOG = System.getLogger(PgClusterExtension.class.getName());

    @Override
    public void beforeAll(ExtensionContext context) {
        setUp(context);
    }

    /**
     * Idempotent: a nested class inherits its enclosing class's cluster and database, and with
     * {@code @TestInstance(PER_CLASS)} the constructor asks for them before {@code beforeAll} runs.
     */
    private static synchronized void setUp(ExtensionContext context) {
        ExtensionContext.Store store = context.getStore(NAMESPACE);
        if (store.get(CLUSTER) != null) {
            return;
        }
        Class<?> testClass = context.getRequiredTestClass();
        WithPgCluster config = AnnotationSupport.findAnnotation(testClass, WithPgCluster.class).orElse(null);
        ClusterSpec spec = spec(config);
        boolean shared = config == null || config.shared();
        PgCluster cluster = shared ? SharedClusters.get(spec) : PgCluster.start(spec, null);
        store.put(SPEC, spec);
        store.put(CLUSTER, cluster);
        store.put(DATABASE, cluster.createFreshDatabase("t_" + testClass.getSimpleName()));
        store.put("shared", shared);
    }

    @Override
    public void afterAll(ExtensionContext context) {
        ExtensionContext.Store store = context.getStore(NAMESPACE);
        PgCluster cluster = store.remove(CLUSTER, PgCluster.class);
        if (cluster == null) {
            return;
        }
        TestDatabase db = store.remove(DATABASE, TestDatabase.class);
        boolean shared = Boolean.TRUE.equals(store.remove("shared", Boolean.class));
        ClusterSpec spec = store.remove(SPEC, ClusterSpec.class);
        if (!shared) {
            cluster.close();
            return;
        }
        try {
            if (cluster.writer().isRunning()) {
                cluster.dropDatabase(db.name());
            }
        } catch (RuntimeException e) {
            // a database left on a shared cluster harms no other class (each has its own): not worth failing this one
            LOG.log(System.Logger.Level.WARNING, "could not drop test database {0}: {1}", db.name(), e.getMessage());
        } finally {
            SharedClusters.release(spec, cluster);
        }
    }

    @Override
    public boolean supportsParameter(ParameterContext parameter, ExtensionContext context) {
        Class<?> type = parameter.getParameter().getType();
        return type == TestDatabase.class || type == PgCluster.class;
    }

    @Override
    public Object resolveParameter(ParameterContext parameter, ExtensionContext context) {
        Class<?> type = parameter.getParameter().getType();
        String key = type == PgCluster.class ? CLUSTER : DATABASE;
        Object value = find(context, key);
        if (value == null && context.getTestClass().isPresent() && context.getTestMethod().isEmpty()) {
            setUp(context); // a PER_CLASS constructor: the class context, before beforeAll
            value = find(context, key);
        }
        if (value == null) {
            throw new ParameterResolutionException("no " + type.getSimpleName() + " here: PgClusterExtension must be on the test class");
        }
        return value;
    }

    /** Looks in this context and its parents: the class-level store holds them. */
    private static Object find(ExtensionContext context, String key) {
        for (ExtensionContext c = context; c != null; c = c.getParent().orElse(null)) {
            Object value = c.getStore(NAMESPACE).get(key);
            if (value != null) {
                return value;
            }
        }
        return null;
    }

    static ClusterSpec spec(WithPgCluster config) {
        PgCluster.Builder builder = PgCluster.builder();
        if (config != null) {
            builder.replicas(config.replicas())
                    .endpointLag(Duration.ofMillis(config.endpointLagMillis()))
                    .hbaRules(List.of(config.hbaRules()))
                    .flavor(config.flavor());
        }
        return builder.spec();
    }

}
