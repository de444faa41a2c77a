package dev.awsjca.pipeline;

import dev.awsjca.topology.HostSpec;
import dev.awsjca.topology.Topology;

import java.sql.SQLException;
import java.util.Set;

/**
 * A plugin of the pipeline. One instance serves one logical connection; state shared by the
 * connections of a cluster lives in the plugin's factory or in services the context gives.
 *
 * <p>A plugin sees only the JDBC methods it subscribes to: the chain of each method is composed once per
 * connection from the subscriptions, and a method nobody subscribed to costs no plugin anything.
 */
public interface ConnectionPlugin {

    /** The JDBC methods whose calls {@link #execute} sees. Read once, when the connection is opened. */
    Set<JdbcMethod> subscribedMethods();

    /** Runs a subscribed JDBC call: do something around {@code next.proceed(call)}, or instead of it. */
    default <T> T execute(JdbcCall<T> call, JdbcChain next) throws SQLException {
        return next.proceed(call);
    }

    /** Opens a physical connection: every plugin takes part, in configured order. */
    default HostConnection connect(ConnectRequest request, ConnectChain next) throws SQLException {
        return next.connect(request);
    }

    /** The logical connection now runs on another physical connection (or host). */
    default void connectionChanged(HostSpec newHost) {
    }

    /** The cluster's topology changed (a failover, a new reader). */
    default void topologyChanged(Topology topology) {
    }

    /** The logical connection is closed: release what the plugin holds for it. Must not throw. */
    default void release() {
    }
}
