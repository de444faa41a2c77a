package dev.awsjca.testkit;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Inherited;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Gives a test class a running cluster and a fresh database: parameters of type {@link TestDatabase}
 * and {@link PgCluster} are injected into test methods, lifecycle methods and constructors.
 *
 * <p>Without this annotation, {@code @ExtendWith(PgClusterExtension.class)} means the defaults below.
 */
@Target({ElementType.TYPE, ElementType.ANNOTATION_TYPE})
@Retention(RetentionPolicy.RUNTIME)
@Documented
@Inherited
@ExtendWith(PgClusterExtension.class)
public @interface WithPgCluster {

    /** Number of streaming replicas besides the writer. */
    int replicas() default 2;

    /** How late (ms) the cluster and reader endpoints follow a topology change. */
    long endpointLagMillis() default 0;

    /** Which managed database's topology functions the nodes answer. */
    TopologyFlavor flavor() default TopologyFlavor.AURORA;

    /** pg_hba.conf lines placed before the catch-all password rule. */
    String[] hbaRules() default {};

    /**
     * True (default): the class shares one cluster per configuration with every other class in this JVM,
     * and must leave it as it found it (faults healed, every node up) or the extension replaces it.
     * False: a cluster of its own, stopped after the class; for tests that break things for good.
     */
    boolean shared() default true;
}
