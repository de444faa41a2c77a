package dev.awsjca.pipeline;

import java.sql.SQLException;

/**
 * A link of a composed chain: the plugin at this position, then the rest. The last link has no plugin and
 * calls the driver. Chains are immutable and composed once per connection for each method.
 */
public final class JdbcChain {

    static final JdbcChain DRIVER = new JdbcChain(null, null);

    private final ConnectionPlugin plugin;
    private final JdbcChain next;

    JdbcChain(ConnectionPlugin plugin, JdbcChain next) {
        this.plugin = plugin;
        this.next = next;
    }

    /** Runs the call through this link and the ones after it. A plugin may call it more than once (retry). */
    public <T> T proceed(JdbcCall<T> call) throws SQLException {
        return plugin == null ? call.invokeTarget() : plugin.execute(call, next);
    }

    /** The plugin codes in order, for logs and the demo, e.g. {@code [failover, hostMonitoring]}. */
    @Override
    public String toString() {
        StringBuilder b = new StringBuilder("[");
        for (JdbcChain link = this; link.plugin != null; link = link.next) {
            b.append(b.length() > 1 ? ", " : "").append(link.plugin.getClass().getSimpleName());
        }
        return b.append(']').toString();
    }
}
