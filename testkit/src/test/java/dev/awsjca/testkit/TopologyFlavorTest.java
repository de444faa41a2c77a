package dev.awsjca.testkit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.sql.Connection;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The other managed databases a cluster can pretend to be, for the rds-multi-az-postgresql and postgresql dialects. */
@Timeout(120)
class TopologyFlavorTest {

    @Test
    void rdsMultiAzFunctionsReportTheTopologyOnEveryNode() throws Exception {
        try (PgCluster cluster = PgCluster.builder().replicas(1).flavor(TopologyFlavor.RDS_MULTI_AZ).start()) {
            assertRdsTopology(cluster);
            cluster.failover();
            cluster.rejoin(cluster.node("node1"));
            assertRdsTopology(cluster);
        }
    }

    private static void assertRdsTopology(PgCluster cluster) throws Exception {
        PgNode writer = cluster.writer();
        Set<String> expected = new TreeSet<>();
        for (PgNode node : cluster.nodes()) {
            expected.add("db-testkit-" + node.instanceId() + " " + node.host() + " " + node.port());
        }
        for (PgNode node : cluster.nodes()) {
            try (Connection c = node.connectDirect("postgres")) {
                assertEquals("db-testkit-" + node.instanceId(), Sql.string(c, "SELECT dbi_resource_id FROM rds_tools.dbi_resource_id()"));
                List<String> source = Sql.column(c, "SELECT multi_az_db_cluster_source_dbi_resource_id"
                        + " FROM rds_tools.multi_az_db_cluster_source_dbi_resource_id()");
                assertEquals(node == writer ? List.of() : List.of("db-testkit-" + writer.instanceId()), source, "writer seen from " + node);
                assertEquals(expected, new TreeSet<>(Sql.column(c,
                        "SELECT id || ' ' || endpoint || ' ' || port FROM rds_tools.show_topology('aws-advanced-jca')")));
                assertNull(Sql.string(c, "SELECT pg_catalog.to_regproc('aurora_replica_status')"), "not Aurora");
            }
        }
    }

    @Test
    void plainClustersHaveNoTopologyFunctions() throws Exception {
        try (PgCluster cluster = PgCluster.builder().replicas(1).flavor(TopologyFlavor.PLAIN).start()) {
            for (PgNode node : cluster.nodes()) {
                try (Connection c = node.connectDirect("postgres")) {
                    assertNull(Sql.string(c, "SELECT pg_catalog.to_regproc('aurora_replica_status')"));
                    assertNull(Sql.string(c, "SELECT pg_catalog.to_regproc('rds_tools.show_topology')"));
                    assertEquals(node == cluster.writer() ? "f" : "t", Sql.string(c, "SELECT pg_is_in_recovery()"));
                }
            }
            assertTrue(cluster.events().get(0).operation().equals("start"));
        }
    }
}
