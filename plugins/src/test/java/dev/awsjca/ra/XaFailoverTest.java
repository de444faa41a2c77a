package dev.awsjca.ra;

import dev.awsjca.testkit.PgCluster;
import dev.awsjca.testkit.PgNode;
import dev.awsjca.testkit.TestDatabase;
import dev.awsjca.testkit.WithPgCluster;
import jakarta.resource.spi.ConnectionEvent;
import jakarta.resource.spi.ConnectionEventListener;
import jakarta.resource.spi.ManagedConnection;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import javax.transaction.xa.XAException;
import javax.transaction.xa.XAResource;
import javax.transaction.xa.Xid;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * XA branches across a writer crash on a real three-node cluster, driven the way a TM drives them (this
 * test is the TM and the pool): a branch open on the crashed writer is rolled back and said so, a
 * prepared branch is finished on the new writer by the same commit/rollback call, and nothing stays
 * prepared anywhere.
 */
@WithPgCluster(replicas = 2, shared = false)
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class XaFailoverTest {

    private final PgCluster cluster;
    private final TestDatabase db;
    private final List<ManagedConnection> opened = new ArrayList<>();
    private final List<String> errors = new CopyOnWriteArrayList<>();
    private AwsResourceAdapter ra;
    private AwsManagedConnectionFactory mcf;

    XaFailoverTest(PgCluster cluster, TestDatabase db) {
        this.cluster = cluster;
        this.db = db;
    }

    @BeforeEach
    void healthyClusterAndAdapter() throws Exception {
        cluster.restoreHealth();
        rollBackLeftovers(); // a failed test's prepared branch would hold its locks on the table
        cluster.execute(cluster.writer(), db.name(), "CREATE TABLE IF NOT EXISTS xa_item (id text PRIMARY KEY)",
                "TRUNCATE xa_item");
        ra = new AwsResourceAdapter();
        ra.start(null);
        mcf = new AwsManagedConnectionFactory();
        // the cluster endpoint, as in production: it follows the writer (late, like DNS)
        mcf.setUrl("jdbc:aws-wrapper:postgresql://" + cluster.clusterEndpoint().host() + ":" + cluster.clusterEndpoint().port()
                + "/" + db.name() + "?connectTimeout=2&socketTimeout=20");
        mcf.setUser(db.user());
        mcf.setPassword(db.password());
        mcf.setPlugins("failover");
        mcf.setFailoverTimeoutMs(20_000L);
        mcf.setClusterInstanceHostPattern(cluster.instanceHostPattern());
        mcf.setResourceAdapter(ra);
    }

    @AfterEach
    void stopAdapter() {
        for (ManagedConnection mc : opened) {
            try {
                mc.destroy();
            } catch (Exception ignored) {
                // destroyed by the test already
            }
        }
        if (ra != null) {
            ra.stop();
            assertEquals(0, ra.openConnections());
        }
    }

    private void rollBackLeftovers() throws SQLException {
        try (Connection c = java.sql.DriverManager.getConnection(cluster.jdbcUrl(db.name()), cluster.superuser(), cluster.password());
             Statement s = c.createStatement()) {
            List<String> gids = new ArrayList<>();
            try (java.sql.ResultSet rs = s.executeQuery("SELECT gid FROM pg_prepared_xacts")) {
                while (rs.next()) {
                    gids.add(rs.getString(1));
                }
            }
            for (String gid : gids) {
                s.execute("ROLLBACK PREPARED '" + gid + "'");
            }
        }
    }

    @Test
    void aBranchOpenOnTheCrashedWriterIsRolledBackAndTheNextRunsOnTheNewWriter() throws Exception {
        AwsManagedConnection mc = open();
        Connection handle = handle(mc);
        XAResource xa = mc.getXAResource();
        Xid xid = newXid();
        xa.start(xid, XAResource.TMNOFLAGS);
        insert(handle, "lost-1");
        String oldWriter = cluster.writer().host();
        cluster.failover();

        // the statement in flight, and every later one of the branch, get 08007: never run outside the branch
        assertEquals("08007", assertThrows(SQLException.class, () -> insert(handle, "lost-2")).getSQLState());
        assertEquals("08007", assertThrows(SQLException.class, () -> insert(handle, "lost-3")).getSQLState());
        XAException end = assertThrows(XAException.class, () -> xa.end(xid, XAResource.TMSUCCESS));
        assertEquals(XAException.XA_RBCOMMFAIL, end.errorCode);
        assertEquals(List.of("error"), errors, "the pool is told to drop the connection");
        xa.rollback(xid); // the TM's rollback after XA_RB*: nothing left to do, no error
        assertThrows(XAException.class, () -> xa.prepare(xid));

        AwsManagedConnection next = open();
        assertNotEquals(oldWriter, next.logicalConnection().pipeline().currentHost().host());
        Xid second = newXid();
        runBranch(next, second, "after-1");
        assertEquals(XAResource.XA_OK, next.getXAResource().prepare(second));
        next.getXAResource().commit(second, false);

        assertEquals(0, count("lost-%"));
        assertEquals(1, count("after-1"));
        assertNothingPrepared();
    }

    @Test
    void aPreparedBranchIsCommittedOnTheNewWriterByTheSameCommitCall() throws Exception {
        AwsManagedConnection mc = open();
        Xid xid = newXid();
        runBranch(mc, xid, "prepared-commit");
        assertEquals(XAResource.XA_OK, mc.getXAResource().prepare(xid));
        cluster.failover();

        mc.getXAResource().commit(xid, false);
        assertEquals(1, count("prepared-commit"));
        assertNothingPrepared();

        // a branch finished already answers as the XA spec says: not known to the resource manager
        XAException again = assertThrows(XAException.class, () -> open().getXAResource().commit(xid, false));
        assertEquals(XAException.XAER_NOTA, again.errorCode);
    }

    /**
     * The TM's COMMIT PREPARED reaches the writer and commits there, but its reply is lost and the writer crashes:
     * on the new writer the branch is no longer prepared. Its transaction id says it committed, so the commit call
     * returns normally, instead of XAER_NOTA, which Narayana takes for a heuristic hazard: the WildFly bank's
     * tellers got HeuristicMixedException for commits that had committed, 9 in 14 faults (XaBankIT, 2026-12-07).
     */
    @Test
    void aCommitWhoseReplyWasLostReturnsNormallyWhenTheNewWriterSaysItCommitted() throws Exception {
        AwsManagedConnection mc = open();
        Xid xid = newXid();
        runBranch(mc, xid, "reply-lost");
        assertEquals(XAResource.XA_OK, mc.getXAResource().prepare(xid));
        PgNode writer = cluster.writer();
        cluster.swallowReplies(writer);
        CompletableFuture<Void> commit = CompletableFuture.runAsync(() -> {
            try {
                mc.getXAResource().commit(xid, false);
            } catch (XAException e) {
                throw new CompletionException(e);
            }
        });
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (!"0".equals(writer.queryString("SELECT count(*) FROM pg_prepared_xacts"))) {
            assertTrue(System.nanoTime() < deadline, "the COMMIT PREPARED never reached the writer");
            Thread.sleep(20);
        }
        cluster.failover(); // the commit is applied and replicated; its reply never came back

        try {
            commit.get(60, TimeUnit.SECONDS);
        } catch (ExecutionException e) {
            throw new AssertionError("the branch committed, and the commit call says: " + e.getCause(), e.getCause());
        }
        assertEquals(1, count("reply-lost"));
        assertNothingPrepared();
    }

    @Test
    void aPreparedBranchIsRolledBackOnTheNewWriterByTheSameRollbackCall() throws Exception {
        AwsManagedConnection mc = open();
        Xid xid = newXid();
        runBranch(mc, xid, "prepared-rollback");
        assertEquals(XAResource.XA_OK, mc.getXAResource().prepare(xid));
        cluster.failover();

        mc.getXAResource().rollback(xid);
        assertEquals(0, count("prepared-rollback"));
        assertNothingPrepared();
    }

    /**
     * The commit is sent after the crash, but pgjdbc cannot tell "not sent" from "reply lost", and the new
     * writer's txid_status is no proof either (the promoted node may have handed the same txid to another
     * transaction). So the honest answers are a rollback code or XA_HEURHAZ, never success.
     */
    @Test
    void aOnePhaseCommitAfterTheWriterCrashedNeverClaimsSuccess() throws Exception {
        AwsManagedConnection mc = open();
        Xid xid = newXid();
        runBranch(mc, xid, "one-phase");
        cluster.failover();

        XAException e = assertThrows(XAException.class, () -> mc.getXAResource().commit(xid, true));
        assertTrue(e.errorCode == XAException.XA_HEURHAZ
                        || (e.errorCode >= XAException.XA_RBBASE && e.errorCode <= XAException.XA_RBEND),
                "a rollback code or XA_HEURHAZ, got " + e.errorCode + ": " + e.getMessage());
        assertEquals(0, count("one-phase"));
        assertNothingPrepared();
    }

    @Test
    void recoveryFindsABranchLeftPreparedOnTheOldWriterOnTheNewOne() throws Exception {
        AwsManagedConnection worker = open();
        Xid xid = newXid();
        runBranch(worker, xid, "recovered");
        worker.getXAResource().prepare(xid);
        worker.destroy(); // the TM lost it: only recovery knows
        cluster.failover();

        AwsManagedConnection recovery = (AwsManagedConnection) mcf.createManagedConnection(null, null);
        opened.add(recovery);
        Xid[] found = recovery.getXAResource().recover(XAResource.TMSTARTRSCAN | XAResource.TMENDRSCAN);
        Xid mine = Arrays.stream(found).filter(x -> Gid.same(x, xid)).findFirst().orElseThrow();
        recovery.getXAResource().commit(mine, false);
        assertEquals(1, count("recovered"));
        assertNothingPrepared();
    }

    // ---- the test's pool and TM

    private AwsManagedConnection open() throws Exception {
        AwsManagedConnection mc = (AwsManagedConnection) mcf.createManagedConnection(null, AwsConnectionRequestInfo.CONFIGURED_LOGIN);
        opened.add(mc);
        mc.addConnectionEventListener(new ConnectionEventListener() {
            @Override
            public void connectionClosed(ConnectionEvent event) {
            }

            @Override
            public void localTransactionStarted(ConnectionEvent event) {
            }

            @Override
            public void localTransactionCommitted(ConnectionEvent event) {
            }

            @Override
            public void localTransactionRolledback(ConnectionEvent event) {
            }

            @Override
            public void connectionErrorOccurred(ConnectionEvent event) {
                errors.add("error");
            }
        });
        return mc;
    }

    private static Connection handle(ManagedConnection mc) throws Exception {
        return (Connection) mc.getConnection(null, AwsConnectionRequestInfo.CONFIGURED_LOGIN);
    }

    /** start, one insert through a handle, end: the branch is ready for prepare or a one-phase commit. */
    private static void runBranch(AwsManagedConnection mc, Xid xid, String id) throws Exception {
        XAResource xa = mc.getXAResource();
        xa.start(xid, XAResource.TMNOFLAGS);
        try (Connection c = handle(mc)) {
            insert(c, id);
        }
        xa.end(xid, XAResource.TMSUCCESS);
    }

    private static void insert(Connection c, String id) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("INSERT INTO xa_item (id) VALUES (?)")) {
            ps.setString(1, id);
            ps.executeUpdate();
        }
    }

    private int count(String pattern) {
        return Integer.parseInt(queryOnWriter("SELECT count(*) FROM xa_item WHERE id LIKE '" + pattern + "'"));
    }

    private String queryOnWriter(String sql) {
        try (Connection c = java.sql.DriverManager.getConnection("jdbc:postgresql://" + cluster.writer().host() + ":"
                + cluster.writer().port() + "/" + db.name(), db.user(), db.password());
             Statement s = c.createStatement(); java.sql.ResultSet rs = s.executeQuery(sql)) {
            rs.next();
            return rs.getString(1);
        } catch (SQLException e) {
            throw new AssertionError(e);
        }
    }

    /** pg_prepared_xacts is empty on every node that runs. */
    private void assertNothingPrepared() {
        for (PgNode node : cluster.nodes()) {
            if (node.isRunning()) {
                assertEquals("0", node.queryString("SELECT count(*) FROM pg_prepared_xacts"), "prepared on " + node);
            }
        }
    }

    private static Xid newXid() {
        return Gid.branch(4711, UUID.randomUUID().toString().getBytes(StandardCharsets.US_ASCII), new byte[] {'1'});
    }
}
