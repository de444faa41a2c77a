package dev.awsjca.jdbc;

import java.sql.Connection;
import java.sql.SQLException;

/** What the adapter does with a physical connection it throws away. */
public final class Connections {

    private Connections() {
    }

    /**
     * Closes the socket now, ignoring any failure: {@code close()} could wait on a dead or silent peer, and a
     * connection being thrown away has nothing left to report. Null is ignored.
     * <p>
     * Over TLS even {@code abort} waits: closing an SSL socket reads the peer's close_notify for as long as the
     * socket's read timeout allows (socketTimeout, 30 s in the WildFly bank, where a failover waited that long
     * and the transaction manager rolled the transaction back under it). The read timeout is cut to the
     * shortest first.
     */
    public static void abortQuietly(Connection c) {
        if (c != null) {
            try {
                c.setNetworkTimeout(Runnable::run, 1);
            } catch (SQLException | RuntimeException ignored) {
                // closed already, or a driver that cannot: abort anyway
            }
            try {
                c.abort(Runnable::run);
            } catch (SQLException | RuntimeException ignored) {
                // it is being thrown away
            }
        }
    }
}
