/**
 * A local stand-in for an Aurora PostgreSQL cluster, for tests, benchmarks and demos: real PostgreSQL
 * servers from this machine's binaries, streaming replication (synchronous {@code ANY 1}), the Aurora (or
 * RDS Multi-AZ) topology functions in SQL, an instance endpoint per node on its own loopback address, a
 * cluster and a reader endpoint that follow the topology late like DNS, and real faults.
 *
 * <ul>
 *   <li>{@link dev.awsjca.testkit.PgCluster}: build, start, inspect and break a cluster; every operation
 *       returns when done, recorded as a {@link dev.awsjca.testkit.ClusterEvent}.</li>
 *   <li>{@link dev.awsjca.testkit.PgNode}: one server, its instance endpoint and superuser SQL.</li>
 *   <li>{@link dev.awsjca.testkit.ClusterEndpoint}: the cluster (writer) and reader endpoints.</li>
 *   <li>{@link dev.awsjca.testkit.WithPgCluster} / {@link dev.awsjca.testkit.PgClusterExtension}: JUnit 5,
 *       a cluster and a fresh {@link dev.awsjca.testkit.TestDatabase} per test class.</li>
 *   <li>{@link dev.awsjca.testkit.Cli}: the same by hand ({@code scripts/testkit.sh}).</li>
 * </ul>
 *
 * Faults on the network (blackhole, latency, cut, swallowed replies) come from a TCP proxy in front of
 * each node, so they need no root and no kernel feature. The testkit's own work (promotion, replication,
 * superuser SQL) goes straight to the servers, so a fault never blocks the operation that repairs it.
 * Logging goes through {@link java.lang.System.Logger} and is quiet at the default levels.
 */
package dev.awsjca.testkit;
