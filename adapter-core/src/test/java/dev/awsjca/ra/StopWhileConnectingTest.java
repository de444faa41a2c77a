package dev.awsjca.ra;

import dev.awsjca.testkit.TestDatabase;
import dev.awsjca.testkit.WithPgCluster;
import jakarta.resource.ResourceException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * An undeploy that comes while a connection is logging in (the pool filling, the transaction manager's
 * periodic recovery) leaves no database session behind: the connection is closed as soon as its login
 * ends. A slow writer (every reply delayed) makes the login long enough to stop the adapter during it.
 * Found by UndeployIT, which once saw a session outlive the undeploy.
 */
@WithPgCluster(replicas = 0)
class StopWhileConnectingTest {

    private static final int REPLY_DELAY_MS = 400;

    private AwsResourceAdapter ra;
    private AwsManagedConnectionFactory mcf;

    @BeforeEach
    void deploy(TestDatabase db) throws ResourceException {
        ra = new AwsResourceAdapter();
        mcf = new AwsManagedConnectionFactory();
        mcf.setUrl(db.jdbcUrl());
        mcf.setPlugins("");
        mcf.setUser(db.user());
        mcf.setPassword(db.password());
        mcf.setResourceAdapter(ra);
    }

    @AfterEach
    void heal(TestDatabase db) {
        db.cluster().healAll();
        ra.stop();
    }

    @Test
    void theAdapterStoppingWhileAConnectionIsMadeClosesIt(TestDatabase db) throws Exception {
        ra.start(null);
        db.cluster().latency(db.cluster().writer(), REPLY_DELAY_MS);
        CompletableFuture<Object> made = CompletableFuture.supplyAsync(() -> {
            try {
                return mcf.createManagedConnection(null, null);
            } catch (ResourceException e) {
                throw new CompletionException(e);
            }
        });
        awaitLoginInProgress(db);
        ra.stop();

        ExecutionException e = assertThrows(ExecutionException.class, () -> made.get(30, TimeUnit.SECONDS),
                "a connection made by a stopped adapter is not handed to the container");
        assertInstanceOf(ResourceException.class, e.getCause());
        db.cluster().healAll();
        assertEquals(0, awaitNoSession(db), "the session opened during the stop is closed");
    }

    @Test
    void aConnectionDestroyedWhileItConnectsIsClosedWhenItsLoginEnds(TestDatabase db) throws Exception {
        // made before the adapter runs (IronJacamar's prefill, WildFly's recovery), it connects once it starts
        AwsManagedConnection deferred = (AwsManagedConnection) mcf.createManagedConnection(null, null);
        db.cluster().latency(db.cluster().writer(), REPLY_DELAY_MS);
        ra.start(null);
        awaitLoginInProgress(db);
        deferred.destroy(); // the pool flushed at undeploy

        awaitThreadGone("aws-jca-connect-deferred");
        db.cluster().healAll();
        assertEquals(0, awaitNoSession(db), "the session whose login ended after destroy() is closed");
    }

    /** Until the server has a backend for the login (it shows with its database once authenticated). */
    private static void awaitLoginInProgress(TestDatabase db) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (sessions(db, true) == 0) {
            assertTrue(System.nanoTime() < deadline, "no login reached the server");
            Thread.sleep(10);
        }
    }

    private static void awaitThreadGone(String name) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (Thread.getAllStackTraces().keySet().stream().anyMatch(t -> t.getName().equals(name))) {
            assertTrue(System.nanoTime() < deadline, name + " still runs");
            Thread.sleep(20);
        }
    }

    /** Waits (a few seconds: the server sees a closed socket at once, but may take a moment to end the backend). */
    private static int awaitNoSession(TestDatabase db) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        int left = sessions(db, false);
        while (left > 0 && System.nanoTime() < deadline) {
            Thread.sleep(50);
            left = sessions(db, false);
        }
        return left;
    }

    /**
     * The adapter's sessions in this test's database, asked straight to the server (not through the slow
     * endpoint); with {@code loggingIn}, also backends still authenticating (no database shown yet).
     */
    private static int sessions(TestDatabase db, boolean loggingIn) throws SQLException {
        String sql = "select count(*) from pg_stat_activity where backend_type = 'client backend' and pid <> pg_backend_pid()"
                + (loggingIn ? " and (datname is null or datname = ?)" : " and datname = ?");
        try (Connection c = db.cluster().writer().connectDirect(db.name()); PreparedStatement ps = c.prepareStatement(sql)) {
            ps.setString(1, db.name());
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getInt(1);
            }
        }
    }
}
