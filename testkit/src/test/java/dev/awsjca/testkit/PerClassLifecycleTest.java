package dev.awsjca.testkit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;

import java.sql.Connection;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.Timeout;

/** Constructor injection with one test instance per class (created before beforeAll), and nested classes. */
@WithPgCluster(replicas = 0)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@Timeout(60)
class PerClassLifecycleTest {

    private final TestDatabase db;

    PerClassLifecycleTest(TestDatabase db) {
        this.db = db;
    }

    @Test
    void theConstructorGotTheClassDatabase(TestDatabase fromMethod) throws Exception {
        assertSame(db, fromMethod);
        try (Connection c = db.connect()) {
            assertEquals(db.name(), Sql.string(c, "SELECT current_database()"));
        }
    }

    @Nested
    class Inner {
        @Test
        void sharesTheEnclosingClassDatabase(TestDatabase inner) {
            assertSame(db, inner);
        }
    }
}
