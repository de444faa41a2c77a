package dev.awsjca.plugins;

import dev.awsjca.testkit.PgNode;
import dev.awsjca.testkit.TestDatabase;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.util.concurrent.TimeUnit;

/**
 * Waits until a statement is running on a node, as the server sees it (pg_stat_activity, asked past the
 * node's fault proxy), instead of sleeping and hoping it is: a busy machine makes any sleep too short.
 */
public final class InFlight {

    private InFlight() {
    }

    /** Until a session other than the asking one shows {@code sql} as its query in {@code state}. */
    public static void await(PgNode node, TestDatabase db, String sql, String state) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        try (Connection d = DriverManager.getConnection("jdbc:postgresql://" + node.host() + ":" + node.serverPort() + "/"
                + db.name(), db.user(), db.password()); PreparedStatement ps = d.prepareStatement(
                "SELECT count(*) FROM pg_stat_activity WHERE state = ? AND query = ? AND pid <> pg_backend_pid()")) {
            ps.setString(1, state);
            ps.setString(2, sql);
            while (true) {
                try (ResultSet rs = ps.executeQuery()) {
                    rs.next();
                    if (rs.getInt(1) > 0) {
                        return;
                    }
                }
                if (System.nanoTime() > deadline) {
                    throw new AssertionError("'" + sql + "' never showed as " + state + " on " + node.host());
                }
                Thread.sleep(10);
            }
        }
    }

    /** Until {@code sql} runs on the node. */
    public static void await(PgNode node, TestDatabase db, String sql) throws Exception {
        await(node, db, sql, "active");
    }
}
