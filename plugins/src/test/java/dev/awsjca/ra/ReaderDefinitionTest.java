package dev.awsjca.ra;

import dev.awsjca.testkit.PgCluster;
import dev.awsjca.testkit.TestDatabase;
import dev.awsjca.testkit.WithPgCluster;
import jakarta.resource.spi.InvalidPropertyException;
import jakarta.resource.spi.ManagedConnection;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import javax.transaction.xa.XAResource;
import javax.transaction.xa.Xid;
import dev.awsjca.testkit.PgNode;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A connection definition with role=reader, as the container drives it: its connections are on readers,
 * validation keeps them (it threw every one of them away before: validation wanted the writer whatever
 * the definition), writes fail with 25006 naming the definition, XA branches answer XA_RDONLY, and
 * contradictory configurations are refused when the container associates the factory (deploy time).
 */
@WithPgCluster(replicas = 2)
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class ReaderDefinitionTest {

    private final PgCluster cluster;
    private final TestDatabase db;
    private final List<ManagedConnection> opened = new ArrayList<>();
    private AwsResourceAdapter ra;

    ReaderDefinitionTest(PgCluster cluster, TestDatabase db) {
        this.cluster = cluster;
        this.db = db;
    }

    @BeforeEach
    void adapter() throws Exception {
        cluster.restoreHealth();
        ra = new AwsResourceAdapter();
        ra.start(null);
    }

    @AfterEach
    void stop() throws Exception {
        for (ManagedConnection mc : opened) {
            mc.destroy();
        }
        ra.stop();
        assertEquals(0, ra.openConnections());
    }

    private AwsManagedConnectionFactory factory(String role, String failoverMode) {
        AwsManagedConnectionFactory mcf = new AwsManagedConnectionFactory();
        mcf.setUrl("jdbc:aws-wrapper:postgresql://" + cluster.writer().host() + ":" + cluster.writer().port() + "/" + db.name()
                + "?connectTimeout=2&socketTimeout=20");
        mcf.setUser(db.user());
        mcf.setPassword(db.password());
        mcf.setPlugins("readWriteSplitting,failover");
        mcf.setClusterInstanceHostPattern(cluster.instanceHostPattern());
        mcf.setRole(role);
        mcf.setFailoverMode(failoverMode);
        return mcf;
    }

    private AwsManagedConnection open(AwsManagedConnectionFactory mcf) throws Exception {
        AwsManagedConnection mc = (AwsManagedConnection) mcf.createManagedConnection(null, AwsConnectionRequestInfo.CONFIGURED_LOGIN);
        opened.add(mc);
        return mc;
    }

    private static Connection handle(ManagedConnection mc) throws Exception {
        return (Connection) mc.getConnection(null, AwsConnectionRequestInfo.CONFIGURED_LOGIN);
    }

    private static boolean inRecovery(Connection c) throws SQLException {
        try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery("SELECT pg_catalog.pg_is_in_recovery()")) {
            rs.next();
            return rs.getBoolean(1);
        }
    }

    /** An XA branch started on {@code mc}, a read in it through a handle (on a reader), the branch ended. */
    private static Xid readOnReaderInBranch(AwsManagedConnection mc) throws Exception {
        XAResource xa = mc.getXAResource();
        Xid xid = Gid.branch(4711, UUID.randomUUID().toString().getBytes(StandardCharsets.US_ASCII), new byte[] {'1'});
        xa.start(xid, XAResource.TMNOFLAGS);
        try (Connection c = handle(mc)) {
            assertTrue(inRecovery(c));
        }
        xa.end(xid, XAResource.TMSUCCESS);
        return xid;
    }

    @Test
    void aReaderDefinitionHandsOutReaderConnectionsThatValidationKeeps() throws Exception {
        AwsManagedConnectionFactory mcf = factory("reader", null);
        mcf.setResourceAdapter(ra);
        AwsManagedConnection mc = open(mcf);
        try (Connection c = handle(mc)) {
            assertTrue(inRecovery(c), "a reader definition's connection is on a reader");
            SQLException e = assertThrows(SQLException.class, () -> {
                try (Statement s = c.createStatement()) {
                    s.execute("CREATE TABLE reader_def_write (a int)");
                }
            });
            assertEquals("25006", e.getSQLState());
            assertTrue(e.getMessage().contains("role=reader"), e.getMessage());
            c.setReadOnly(false); // what a container's cleanup may do: the connection stays a reader's
            assertTrue(inRecovery(c));
        }
        assertEquals(Set.of(), mcf.getInvalidConnections(Set.of(mc)), "validation keeps a usable reader");

        AwsManagedConnectionFactory writers = factory("writer", null);
        writers.setResourceAdapter(ra);
        AwsManagedConnection onWriter = open(writers);
        assertEquals(Set.of(), writers.getInvalidConnections(Set.of(onWriter)));
    }

    @Test
    void aReaderDefinitionsXaBranchAnswersReadOnlyAtPrepare() throws Exception {
        AwsManagedConnectionFactory mcf = factory("reader", null);
        mcf.setResourceAdapter(ra);
        AwsManagedConnection mc = open(mcf);
        XAResource xa = mc.getXAResource();
        Xid xid = readOnReaderInBranch(mc);
        assertEquals(XAResource.XA_RDONLY, xa.prepare(xid));
        try (Connection c = handle(mc)) {
            assertTrue(inRecovery(c), "after the branch: still on the reader");
        }
    }

    /**
     * A JTA transaction on a reader definition sends BEGIN READ ONLY, its statements and COMMIT, nothing
     * else: pgjdbc's readOnlyMode=always had sent SET SESSION CHARACTERISTICS before and after each one
     * (setAutoCommit false and true), two round trips more than the same transaction on the writer.
     */
    @Test
    void aReaderDefinitionsTransactionCostsNoRoundTripOfItsOwn() throws Exception {
        AwsManagedConnectionFactory mcf = factory("reader", null);
        mcf.setResourceAdapter(ra);
        AwsManagedConnection mc = open(mcf);
        List<String> logged = new ArrayList<>();
        Map<PgNode, String> confs = new HashMap<>();
        Map<PgNode, Long> from = new HashMap<>();
        for (PgNode r : cluster.replicas()) {
            Path conf = r.dataDir().resolve("postgresql.auto.conf");
            confs.put(r, Files.readString(conf));
            Files.writeString(conf, "log_statement = 'all'\n", StandardOpenOption.APPEND);
            r.queryString("SELECT pg_catalog.pg_reload_conf()");
        }
        try {
            Thread.sleep(500); // the reload reaches the sessions at their next statement
            for (PgNode r : cluster.replicas()) {
                from.put(r, Files.size(r.logFile()));
            }
            for (int i = 0; i < 5; i++) {
                mc.getXAResource().commit(readOnReaderInBranch(mc), true);
                mc.cleanup();
            }
            for (PgNode r : cluster.replicas()) {
                byte[] log = Files.readAllBytes(r.logFile());
                String tail = new String(log, from.get(r).intValue(), log.length - from.get(r).intValue(), StandardCharsets.UTF_8);
                tail.lines().filter(l -> l.contains("SESSION CHARACTERISTICS")).forEach(logged::add);
            }
        } finally {
            for (Map.Entry<PgNode, String> e : confs.entrySet()) {
                Files.writeString(e.getKey().dataDir().resolve("postgresql.auto.conf"), e.getValue());
                e.getKey().queryString("SELECT pg_catalog.pg_reload_conf()");
            }
        }
        assertEquals(List.of(), logged, "statements a reader definition's transactions sent besides their own");
    }

    @Test
    void contradictoryOrInvalidReaderSettingsAreRefusedAtDeployTimeNamingTheProperty() {
        AwsManagedConnectionFactory strict = factory("reader", "strict-writer");
        InvalidPropertyException e = assertThrows(InvalidPropertyException.class, () -> strict.setResourceAdapter(ra));
        assertTrue(e.getMessage().contains("FailoverMode") && e.getMessage().contains("role"), e.getMessage());

        AwsManagedConnectionFactory strategy = factory("reader", null);
        strategy.setReaderHostSelectorStrategy("fastest");
        e = assertThrows(InvalidPropertyException.class, () -> strategy.setResourceAdapter(ra));
        assertTrue(e.getMessage().contains("ReaderHostSelectorStrategy"), e.getMessage());

        AwsManagedConnectionFactory mode = factory("writer", null);
        mode.setReadWriteSplittingMode("auto");
        e = assertThrows(InvalidPropertyException.class, () -> mode.setResourceAdapter(ra));
        assertTrue(e.getMessage().contains("ReadWriteSplittingMode"), e.getMessage());

        AwsManagedConnectionFactory lag = factory("reader", null);
        lag.setMaxReaderLagMs(-1L);
        e = assertThrows(InvalidPropertyException.class, () -> lag.setResourceAdapter(ra));
        assertTrue(e.getMessage().contains("MaxReaderLagMs"), e.getMessage());

        AwsManagedConnectionFactory role = factory("replica", null);
        e = assertThrows(InvalidPropertyException.class, () -> role.setResourceAdapter(ra));
        assertTrue(e.getMessage().contains("Role"), e.getMessage());
        assertFalse(e.getMessage().contains(db.password()));
    }
}
