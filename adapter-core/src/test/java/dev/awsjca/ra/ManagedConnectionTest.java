package dev.awsjca.ra;

import dev.awsjca.testkit.TestDatabase;
import dev.awsjca.testkit.WithPgCluster;
import jakarta.resource.ResourceException;
import jakarta.resource.spi.ConnectionEvent;
import jakarta.resource.spi.ConnectionEventListener;
import jakarta.resource.spi.ManagedConnection;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import javax.sql.DataSource;
import javax.transaction.xa.XAException;
import javax.transaction.xa.XAResource;
import javax.transaction.xa.Xid;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.UUID;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The JCA contract of a managed connection against a real PostgreSQL, driven the way a container drives
 * it (the container here is this test: it calls the SPI and records the events).
 */
@WithPgCluster(replicas = 0)
class ManagedConnectionTest {

    private AwsResourceAdapter ra;
    private AwsManagedConnectionFactory mcf;
    private final List<String> events = new ArrayList<>();
    private final List<ManagedConnection> opened = new ArrayList<>();

    @BeforeEach
    void deploy(TestDatabase db) throws Exception {
        ra = new AwsResourceAdapter();
        ra.start(null);
        mcf = new AwsManagedConnectionFactory();
        mcf.setUrl(db.jdbcUrl());
        mcf.setPlugins(""); // the default plugins are not in this module
        mcf.setUser(db.user());
        mcf.setPassword(db.password());
        mcf.setResourceAdapter(ra);
        try (Connection c = db.connect(); Statement s = c.createStatement()) {
            s.execute("CREATE TABLE IF NOT EXISTS ra_rows (id text PRIMARY KEY)");
        }
    }

    @AfterEach
    void undeploy() throws ResourceException {
        for (ManagedConnection mc : opened) {
            mc.destroy();
        }
        assertEquals(0, ra.openConnections());
        ra.stop();
    }

    private AwsManagedConnection open() throws ResourceException {
        AwsManagedConnection mc = (AwsManagedConnection) mcf.createManagedConnection(null, AwsConnectionRequestInfo.CONFIGURED_LOGIN);
        opened.add(mc);
        mc.addConnectionEventListener(new Recorder());
        return mc;
    }

    private Connection handle(ManagedConnection mc) throws ResourceException {
        return (Connection) mc.getConnection(null, AwsConnectionRequestInfo.CONFIGURED_LOGIN);
    }

    @Test
    void handlesShareTheConnectionAndClosingOneIsReportedAndLeavesANullObject() throws Exception {
        AwsManagedConnection mc = open();
        Connection a = handle(mc);
        Connection b = handle(mc);
        assertNotSame(a, b);
        assertEquals(pid(a), pid(b));
        Statement s = a.createStatement();
        assertSame(a, s.getConnection());
        a.close();
        assertEquals(List.of("closed"), events);
        assertTrue(a.isClosed());
        SQLException e = assertThrows(SQLException.class, a::createStatement);
        assertEquals("connection closed", e.getMessage());
        assertThrows(SQLException.class, () -> s.executeQuery("select 1"));  // its statements went with it
        a.close(); // twice is fine, and not reported twice
        assertEquals(1, events.size());
        assertEquals(1, query(b, "select 1"));
    }

    @Test
    void associateMovesAHandleAndCleanupRestoresSessionState() throws Exception {
        AwsManagedConnection first = open();
        AwsManagedConnection second = open();
        Connection h = handle(first);
        second.associateConnection(h);
        assertEquals(pid(second.logicalConnection()), pid(h));

        h.setTransactionIsolation(Connection.TRANSACTION_SERIALIZABLE);
        h.setAutoCommit(false);
        h.createStatement().execute("INSERT INTO ra_rows VALUES ('" + UUID.randomUUID() + "-uncommitted')");
        second.cleanup();
        assertTrue(h.isClosed());
        Connection next = handle(second);
        assertFalse(next.isReadOnly());
        assertTrue(next.getAutoCommit());
        assertEquals(Connection.TRANSACTION_READ_COMMITTED, next.getTransactionIsolation());
        assertEquals(0, query(next, "select count(*) from ra_rows where id like '%-uncommitted'"));
        assertEquals(List.of("started"), events); // the application's local transaction; cleanup's rollback is the container's
        next.setReadOnly(true);
        next.setSchema("pg_catalog");
        second.cleanup();
        Connection third = handle(second);
        assertFalse(third.isReadOnly());
        assertEquals("public", third.getSchema());
    }

    @Test
    void applicationLocalTransactionsAreReportedToTheContainer() throws Exception {
        AwsManagedConnection mc = open();
        Connection h = handle(mc);
        h.setAutoCommit(false);
        h.createStatement().execute("INSERT INTO ra_rows VALUES ('" + UUID.randomUUID() + "')");
        h.commit();
        h.rollback();
        h.setAutoCommit(true);
        assertEquals(List.of("started", "committed", "started", "rolledback", "started", "committed"), events);
    }

    @Test
    void containerLocalTransactionCommitsAndRollsBackAndTheHandleCannotCommit() throws Exception {
        AwsManagedConnection mc = open();
        Connection h = handle(mc);
        String kept = UUID.randomUUID().toString();
        String dropped = UUID.randomUUID().toString();
        mc.getLocalTransaction().begin();
        insert(h, kept);
        assertThrows(SQLException.class, h::commit);
        mc.getLocalTransaction().commit();
        mc.getLocalTransaction().begin();
        insert(h, dropped);
        mc.getLocalTransaction().rollback();
        assertEquals(1, count(kept));
        assertEquals(0, count(dropped));
        assertTrue(h.getAutoCommit());
        assertTrue(events.isEmpty(), "the container's own transactions are not reported back: " + events);
    }

    @Test
    void xaTwoPhaseCommitRunsOnTheHandlesSession() throws Exception {
        AwsManagedConnection mc = open();
        Connection h = handle(mc);
        XAResource xa = mc.getXAResource();
        String id = UUID.randomUUID().toString();
        Xid xid = xid();
        xa.start(xid, XAResource.TMNOFLAGS);
        insert(h, id);
        assertThrows(SQLException.class, h::commit);
        xa.end(xid, XAResource.TMSUCCESS);
        assertEquals(XAResource.XA_OK, xa.prepare(xid));
        assertEquals(0, count(id));
        xa.commit(xid, false);
        assertEquals(1, count(id));

        Xid onePhase = xid();
        String id2 = UUID.randomUUID().toString();
        xa.start(onePhase, XAResource.TMNOFLAGS);
        insert(h, id2);
        xa.end(onePhase, XAResource.TMSUCCESS);
        xa.rollback(onePhase);
        assertEquals(0, count(id2));
        assertTrue(h.getAutoCommit());
    }

    @Test
    void aBranchWhoseStatementFailedIsNotPreparedButRolledBack() throws Exception {
        AwsManagedConnection mc = open();
        Connection h = handle(mc);
        XAResource xa = mc.getXAResource();
        Xid xid = xid();
        String id = UUID.randomUUID().toString();
        xa.start(xid, XAResource.TMNOFLAGS);
        insert(h, id);
        assertThrows(SQLException.class, () -> insert(h, id)); // duplicate key: the transaction is aborted
        xa.end(xid, XAResource.TMSUCCESS);
        XAException e = assertThrows(XAException.class, () -> xa.prepare(xid));
        assertEquals(XAException.XA_RBROLLBACK, e.errorCode);
        assertEquals(0, count(id));
        try (Connection c = handle(mc); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("select count(*) from pg_prepared_xacts where database = current_database()")) {
            rs.next();
            assertEquals(0, rs.getInt(1));
        }
        assertFalse(mc.isBroken());
    }

    @Test
    void twoConnectionsAreNeverTheSameResourceManager() throws Exception {
        XAResource a = open().getXAResource();
        XAResource b = open().getXAResource();
        assertFalse(a.isSameRM(b));
        assertTrue(a.isSameRM(a));
    }

    @Test
    void recoveryConnectionFindsAndFinishesAPreparedBranch() throws Exception {
        AwsManagedConnection worker = open();
        Connection h = handle(worker);
        Xid xid = xid();
        String id = UUID.randomUUID().toString();
        worker.getXAResource().start(xid, XAResource.TMNOFLAGS);
        insert(h, id);
        worker.getXAResource().end(xid, XAResource.TMSUCCESS);
        worker.getXAResource().prepare(xid);

        AwsManagedConnection recovery = (AwsManagedConnection) mcf.createManagedConnection(null, null);
        opened.add(recovery);
        Xid[] found = recovery.getXAResource().recover(XAResource.TMSTARTRSCAN | XAResource.TMENDRSCAN);
        Xid mine = Arrays.stream(found).filter(x -> Arrays.equals(x.getGlobalTransactionId(), xid.getGlobalTransactionId()))
                .findFirst().orElseThrow();
        recovery.getXAResource().commit(mine, false);
        assertEquals(1, count(id));
    }

    /**
     * WildFly's periodic recovery may ask for a recovery connection between registering a definition and
     * starting the adapter: it gets one, which reports nothing until the adapter runs, then asks the writer.
     */
    @Test
    void aRecoveryConnectionMadeBeforeTheAdapterStartsConnectsWhenItRuns(TestDatabase db) throws Exception {
        AwsManagedConnection worker = open();
        Xid xid = xid();
        worker.getXAResource().start(xid, XAResource.TMNOFLAGS);
        insert(handle(worker), UUID.randomUUID().toString());
        worker.getXAResource().end(xid, XAResource.TMSUCCESS);
        worker.getXAResource().prepare(xid);

        AwsResourceAdapter notYetStarted = new AwsResourceAdapter();
        AwsManagedConnectionFactory early = new AwsManagedConnectionFactory();
        early.setUrl(db.jdbcUrl());
        early.setUser(db.user());
        early.setPassword(db.password());
        early.setPlugins("");
        early.setResourceAdapter(notYetStarted);
        AwsManagedConnection recovery = (AwsManagedConnection) early.createManagedConnection(null, null);
        try {
            assertEquals(Set.of(), early.getInvalidConnections(Set.of(recovery)));
            assertEquals(0, recovery.getXAResource().recover(XAResource.TMSTARTRSCAN | XAResource.TMENDRSCAN).length);
            notYetStarted.start(null);
            Xid mine = Arrays.stream(recovery.getXAResource().recover(XAResource.TMSTARTRSCAN | XAResource.TMENDRSCAN))
                    .filter(x -> Gid.same(x, xid)).findFirst().orElseThrow();
            recovery.getXAResource().rollback(mine);
        } finally {
            recovery.destroy();
            notYetStarted.stop();
        }
        assertEquals(0, notYetStarted.openConnections());
    }

    /**
     * Payara's ping-connection-pool asks for a connection without request info: with the adapter running
     * it must reach the database and check the configuration (it used to answer "ok" for a host where
     * nothing listens, and for a bad value).
     */
    @Test
    void aConnectionWithoutRequestInfoConnectsNowWhileTheAdapterRuns(TestDatabase db) throws Exception {
        AwsManagedConnection pinged = (AwsManagedConnection) mcf.createManagedConnection(null, null);
        opened.add(pinged);
        assertTrue(pinged.logicalConnection() != null, "connected at once");

        AwsManagedConnectionFactory nobodyListens = new AwsManagedConnectionFactory();
        nobodyListens.setUrl("jdbc:aws-wrapper:postgresql://127.0.0.1:1/app?connectTimeout=2");
        nobodyListens.setPlugins("");
        nobodyListens.setUser(db.user());
        nobodyListens.setPassword(db.password());
        nobodyListens.setResourceAdapter(ra);
        ResourceException e = assertThrows(ResourceException.class, () -> nobodyListens.createManagedConnection(null, null));
        assertTrue(e.getMessage().contains("127.0.0.1:1"), e.getMessage());

        mcf.setFailoverTimeoutMs(-5L); // as a container sets it; Payara goes on with the pool after RAR6036
        e = assertThrows(jakarta.resource.spi.InvalidPropertyException.class, () -> mcf.createManagedConnection(null, null));
        assertTrue(e.getMessage().contains("'FailoverTimeoutMs'"), e.getMessage());
        assertFalse(e.getMessage().contains(db.password()), "no secret in the message");
    }

    /** Branches prepared by pgjdbc's own XA resource and by ours are recovered and finished by the other. */
    @Test
    void branchesPreparedByPgjdbcAndByTheAdapterAreRecoveredByTheOther(TestDatabase db) throws Exception {
        org.postgresql.xa.PGXADataSource pgjdbc = new org.postgresql.xa.PGXADataSource();
        pgjdbc.setURL(db.jdbcUrl());
        pgjdbc.setUser(db.user());
        pgjdbc.setPassword(db.password());

        Xid byPgjdbc = xid();
        String pgjdbcRow = UUID.randomUUID().toString();
        javax.sql.XAConnection xc = pgjdbc.getXAConnection();
        try {
            xc.getXAResource().start(byPgjdbc, XAResource.TMNOFLAGS);
            insert(xc.getConnection(), pgjdbcRow);
            xc.getXAResource().end(byPgjdbc, XAResource.TMSUCCESS);
            xc.getXAResource().prepare(byPgjdbc);
        } finally {
            xc.close();
        }
        AwsManagedConnection recovery = (AwsManagedConnection) mcf.createManagedConnection(null, null);
        opened.add(recovery);
        Xid found = Arrays.stream(recovery.getXAResource().recover(XAResource.TMSTARTRSCAN | XAResource.TMENDRSCAN))
                .filter(x -> Gid.same(x, byPgjdbc)).findFirst().orElseThrow();
        recovery.getXAResource().commit(found, false);
        assertEquals(1, count(pgjdbcRow));

        Xid byAdapter = xid();
        String adapterRow = UUID.randomUUID().toString();
        AwsManagedConnection worker = open();
        worker.getXAResource().start(byAdapter, XAResource.TMNOFLAGS);
        insert(handle(worker), adapterRow);
        worker.getXAResource().end(byAdapter, XAResource.TMSUCCESS);
        worker.getXAResource().prepare(byAdapter);
        xc = pgjdbc.getXAConnection();
        try {
            Xid seen = Arrays.stream(xc.getXAResource().recover(XAResource.TMSTARTRSCAN | XAResource.TMENDRSCAN))
                    .filter(x -> Gid.same(x, byAdapter)).findFirst().orElseThrow();
            xc.getXAResource().rollback(seen);
        } finally {
            xc.close();
        }
        assertEquals(0, count(adapterRow));
    }

    /** A branch that only read is not prepared: XA_RDONLY, nothing in pg_prepared_xacts, no second phase. */
    @Test
    void aBranchThatOnlyReadAnswersReadOnlyAtPrepare() throws Exception {
        AwsManagedConnection mc = open();
        Connection h = handle(mc);
        XAResource xa = mc.getXAResource();
        Xid reading = xid();
        xa.start(reading, XAResource.TMNOFLAGS);
        query(h, "select count(*) from ra_rows");
        xa.end(reading, XAResource.TMSUCCESS);
        assertEquals(XAResource.XA_RDONLY, xa.prepare(reading));
        assertEquals(0, query(h, "select count(*) from pg_prepared_xacts where gid = '" + Gid.of(reading) + "'"));
        assertTrue(h.getAutoCommit());

        // the same connection takes the next branch, which writes and is prepared
        Xid writing = xid();
        String id = UUID.randomUUID().toString();
        xa.start(writing, XAResource.TMNOFLAGS);
        insert(h, id);
        xa.end(writing, XAResource.TMSUCCESS);
        assertEquals(XAResource.XA_OK, xa.prepare(writing));
        assertEquals(1, query(h, "select count(*) from pg_prepared_xacts where gid = '" + Gid.of(writing) + "'"));
        xa.commit(writing, false);
        assertEquals(1, count(id));
    }

    /** The XA protocol's wrong moves get the XA spec's codes, not a broken connection. */
    @Test
    void xaProtocolErrorsAnswerTheSpecsCodes() throws Exception {
        AwsManagedConnection mc = open();
        XAResource xa = mc.getXAResource();
        Xid xid = xid();
        assertEquals(XAException.XAER_NOTA, assertThrows(XAException.class, () -> xa.end(xid, XAResource.TMSUCCESS)).errorCode);
        assertEquals(XAException.XAER_INVAL, assertThrows(XAException.class, () -> xa.start(null, XAResource.TMNOFLAGS)).errorCode);
        xa.start(xid, XAResource.TMNOFLAGS);
        assertEquals(XAException.XAER_PROTO, assertThrows(XAException.class, () -> xa.start(xid(), XAResource.TMNOFLAGS)).errorCode);
        assertEquals(XAException.XAER_PROTO, assertThrows(XAException.class, () -> xa.prepare(xid)).errorCode);
        // suspend and resume keep the branch on the session
        String id = UUID.randomUUID().toString();
        insert(handle(mc), id);
        xa.end(xid, XAResource.TMSUSPEND);
        xa.start(xid, XAResource.TMRESUME);
        xa.end(xid, XAResource.TMSUCCESS);
        assertEquals(XAException.XAER_PROTO, assertThrows(XAException.class, () -> xa.commit(xid, false)).errorCode);
        assertEquals(XAException.XAER_NOTA, assertThrows(XAException.class, () -> xa.commit(xid(), false)).errorCode);
        xa.commit(xid, true);
        assertEquals(1, count(id));

        // TMFAIL: the branch is rolled back at prepare, and the TM's rollback afterwards is quiet
        Xid failed = xid();
        xa.start(failed, XAResource.TMNOFLAGS);
        String dropped = UUID.randomUUID().toString();
        insert(handle(mc), dropped);
        xa.end(failed, XAResource.TMFAIL);
        assertEquals(XAException.XA_RBROLLBACK, assertThrows(XAException.class, () -> xa.prepare(failed)).errorCode);
        xa.rollback(failed);
        assertEquals(0, count(dropped));
        assertFalse(mc.isBroken());
        assertFalse(events.contains("error"), events.toString());
    }

    @Test
    void aKilledBackendIsReportedAsAConnectionErrorAndFailsValidation(TestDatabase db) throws Exception {
        AwsManagedConnection mc = open();
        Connection h = handle(mc);
        assertTrue(mcf.getInvalidConnections(Set.of(mc)).isEmpty());
        int pid = pid(h);
        try (Connection admin = db.connect(); Statement s = admin.createStatement()) {
            s.execute("select pg_terminate_backend(" + pid + ")");
        }
        SQLException e = assertThrows(SQLException.class, () -> query(h, "select 1"));
        assertTrue(e.getSQLState().startsWith("08") || e.getSQLState().startsWith("57"), e.getSQLState());
        assertEquals(List.of("error"), events);
        assertEquals(Set.of(mc), mcf.getInvalidConnections(Set.of(mc)));
        assertTrue(mc.isBroken());
    }

    @Test
    void xaFailureOnADeadConnectionIsReported(TestDatabase db) throws Exception {
        AwsManagedConnection mc = open();
        Connection h = handle(mc);
        XAResource xa = mc.getXAResource();
        Xid xid = xid();
        xa.start(xid, XAResource.TMNOFLAGS);
        insert(h, UUID.randomUUID().toString());
        xa.end(xid, XAResource.TMSUCCESS);
        try (Connection admin = db.connect(); Statement s = admin.createStatement()) {
            s.execute("select pg_terminate_backend(" + pid(mc.logicalConnection()) + ")");
        }
        events.clear();
        XAException e = assertThrows(XAException.class, () -> xa.prepare(xid));
        assertTrue(events.contains("error"), "errorCode " + e.errorCode + " events " + events);
    }

    @Test
    void nonManagedConnectionFactoryIsADataSource() throws Exception {
        DataSource ds = (DataSource) mcf.createConnectionFactory();
        try (Connection c = ds.getConnection()) {
            assertEquals(1, query(c, "select 1"));
        }
        assertEquals(0, ra.openConnections());
        SQLException e = assertThrows(SQLException.class, () -> ds.getConnection("nobody", "wrong-Pa55"));
        assertFalse(e.getMessage().contains("wrong-Pa55"));
    }

    @Test
    void theConnectionFactorySurvivesSerializationAndTheMetadataNamesTheDatabase(TestDatabase db) throws Exception {
        DataSource ds = (DataSource) mcf.createConnectionFactory();
        assertTrue(ds instanceof java.io.Serializable && ds instanceof jakarta.resource.Referenceable);
        java.io.ByteArrayOutputStream bytes = new java.io.ByteArrayOutputStream();
        try (java.io.ObjectOutputStream out = new java.io.ObjectOutputStream(bytes)) {
            out.writeObject(ds);
        }
        DataSource copy;
        try (java.io.ObjectInputStream in = new java.io.ObjectInputStream(new java.io.ByteArrayInputStream(bytes.toByteArray()))) {
            copy = (DataSource) in.readObject();
        }
        try (Connection c = copy.getConnection()) {
            assertEquals(1, query(c, "select 1"));
        }
        jakarta.resource.spi.ManagedConnectionMetaData md = open().getMetaData();
        assertEquals("PostgreSQL", md.getEISProductName());
        assertEquals(db.user(), md.getUserName());
        assertFalse(mcf.toString().contains(db.password()));
    }

    // ---- helpers

    private static int pid(Connection c) throws SQLException {
        return query(c, "select pg_backend_pid()");
    }

    private static int query(Connection c, String sql) throws SQLException {
        try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
            rs.next();
            return rs.getInt(1);
        }
    }

    private static void insert(Connection c, String id) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("INSERT INTO ra_rows VALUES (?)")) {
            ps.setString(1, id);
            ps.executeUpdate();
        }
    }

    private int count(String id) throws Exception {
        try (Connection c = (Connection) ((DataSource) mcf.createConnectionFactory()).getConnection();
             PreparedStatement ps = c.prepareStatement("select count(*) from ra_rows where id = ?")) {
            ps.setString(1, id);
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getInt(1);
            }
        }
    }

    private static Xid xid() {
        return Gid.branch(4711, UUID.randomUUID().toString().getBytes(StandardCharsets.US_ASCII), new byte[] {1});
    }

    private final class Recorder implements ConnectionEventListener {
        @Override
        public void connectionClosed(ConnectionEvent event) {
            events.add("closed");
        }

        @Override
        public void localTransactionStarted(ConnectionEvent event) {
            events.add("started");
        }

        @Override
        public void localTransactionCommitted(ConnectionEvent event) {
            events.add("committed");
        }

        @Override
        public void localTransactionRolledback(ConnectionEvent event) {
            events.add("rolledback");
        }

        @Override
        public void connectionErrorOccurred(ConnectionEvent event) {
            events.add("error");
        }
    }
}
