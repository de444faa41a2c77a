package dev.awsjca.testkit;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.util.Properties;

/**
 * A database of its own on a {@link PgCluster}, for one test class. Host and port are the current
 * writer's instance endpoint, looked up on each call, so they follow a failover.
 */
public final class TestDatabase {

    private final PgCluster cluster;
    private final String name;

    TestDatabase(PgCluster cluster, String name) {
        this.cluster = cluster;
        this.name = name;
    }

    public String name() {
        return name;
    }

    /** The writer's instance endpoint address. */
    public String host() {
        return cluster.writer().host();
    }

    public int port() {
        return cluster.writer().port();
    }

    /** The superuser. */
    public String user() {
        return cluster.superuser();
    }

    public String password() {
        return cluster.password();
    }

    /** {@code jdbc:postgresql://<writer host>:<port>/<name>}. */
    public String jdbcUrl() {
        return cluster.jdbcUrl(name);
    }

    /** A URL through the cluster (writer) endpoint, which follows a failover late, like Aurora's DNS. */
    public String clusterEndpointUrl() {
        return cluster.clusterEndpoint().jdbcUrl(name);
    }

    /** A URL through the reader endpoint. */
    public String readerEndpointUrl() {
        return cluster.readerEndpoint().jdbcUrl(name);
    }

    public PgCluster cluster() {
        return cluster;
    }

    /** A plain pgjdbc connection to this database on the writer, as the superuser. */
    public Connection connect() throws SQLException {
        return DriverManager.getConnection(jdbcUrl(), credentials());
    }

    /** {@code jdbc:postgresql://<node host>:<port>/<name>}: this database on one node's instance endpoint. */
    public String jdbcUrl(PgNode node) {
        return node.jdbcUrl(name);
    }

    /** A plain pgjdbc connection to this database on one node (a replica, say), as the superuser. */
    public Connection connect(PgNode node) throws SQLException {
        return DriverManager.getConnection(jdbcUrl(node), credentials());
    }

    /** {@code user} and {@code password}, for a DataSource or DriverManager. */
    public Properties credentials() {
        Properties props = new Properties();
        props.setProperty("user", user());
        props.setProperty("password", password());
        return props;
    }

    @Override
    public String toString() {
        return "TestDatabase[" + name + " on " + cluster + "]";
    }
}
