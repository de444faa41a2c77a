package dev.awsjca.plugins.readwritesplitting;

import dev.awsjca.pipeline.SessionState;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.IdentityHashMap;
import java.util.Map;

/**
 * Which version of the logical connection's session each physical connection was last set up with, so
 * that a switch applies the session only when it changed since (a warm switch costs no round trip).
 */
final class SessionSync {

    private final Map<Connection, Long> versions = new IdentityHashMap<>();

    boolean inSync(Connection c, SessionState session) {
        Long v = versions.get(c);
        return v != null && v == session.version();
    }

    void synced(Connection c, SessionState session) {
        if (c != null) {
            versions.put(c, session.version());
        }
    }

    /** Sets {@code c} up as the session is now, if it is not already; read-only as given. */
    void apply(Connection c, SessionState session, boolean readOnly) throws SQLException {
        if (!inSync(c, session)) {
            session.applyTo(c, readOnly);
            synced(c, session);
        }
    }

    void forget(Connection c) {
        versions.remove(c);
    }
}
