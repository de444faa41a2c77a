package dev.awsjca.testkit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Bad cluster configuration fails at build time with a message naming what is wrong. */
class ClusterSpecTest {

    @Test
    void defaults() {
        ClusterSpec spec = PgCluster.builder().spec();
        assertEquals(2, spec.replicas());
        assertEquals(Duration.ZERO, spec.endpointLag());
        assertEquals(TopologyFlavor.AURORA, spec.flavor());
        assertEquals("postgres", spec.superuser());
    }

    @Test
    void refusesBadValues() {
        assertMessage("replicas must be between 0 and 8", () -> PgCluster.builder().replicas(-1).spec());
        assertMessage("endpointLag must not be negative", () -> PgCluster.builder().endpointLag(Duration.ofMillis(-1)).spec());
        assertMessage("without line breaks", () -> PgCluster.builder().hbaRules(List.of("host all all 0.0.0.0/0 trust\nx")).spec());
        assertMessage("postgresql.conf parameter name", () -> PgCluster.builder().setting("a = b", "c").spec());
        assertMessage("lower-case identifier", () -> PgCluster.builder().superuser("Robert'); DROP").spec());
    }

    @Test
    void specsWithTheSameSettingsAreEqualSoClassesShareAClusterAndNoPasswordShows() {
        assertEquals(PgCluster.builder().replicas(1).spec(), PgCluster.builder().replicas(1).password("secret-x").spec());
        assertTrue(!PgCluster.builder().password("secret-x").spec().toString().contains("secret-x"));
    }

    private static void assertMessage(String expected, Runnable action) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, action::run);
        assertTrue(e.getMessage().contains(expected), e.getMessage());
    }
}
