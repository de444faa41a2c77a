package dev.awsjca.testkit;

/** Which managed database the cluster pretends to be: what topology functions its nodes answer. */
public enum TopologyFlavor {
    /** Aurora PostgreSQL: {@code aurora_replica_status()}, {@code aurora_db_instance_identifier()}. The default. */
    AURORA("aurora-topology.sql"),
    /**
     * RDS Multi-AZ DB cluster: {@code rds_tools.show_topology(text)}, {@code rds_tools.dbi_resource_id()},
     * {@code rds_tools.multi_az_db_cluster_source_dbi_resource_id()}.
     */
    RDS_MULTI_AZ("rds-multi-az-topology.sql"),
    /** Self-managed streaming replication: no topology functions; roles only from {@code pg_is_in_recovery()}. */
    PLAIN(null);

    private final String sqlResource;

    TopologyFlavor(String sqlResource) {
        this.sqlResource = sqlResource;
    }

    /** The SQL that installs the functions, a resource next to this class, or null for none. */
    String sqlResource() {
        return sqlResource;
    }
}
