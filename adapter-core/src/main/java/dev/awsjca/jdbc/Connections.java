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
     */
    public static void abortQuietly(Connection c) {
        if (c != null) {
            try {
                c.abort(Runnable::run);
            } catch (SQLException | RuntimeException ignored) {
                // it is being thrown away
            }
        }
    }
}
