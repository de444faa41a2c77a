package dev.awsjca.samples;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import javax.sql.DataSource;

/**
 * The error-handling sample of docs/FAILOVER.md (copied between the sample markers, checked by
 * DocSamplesTest, run through a writer crash by SamplesFailoverTest).
 */
final class FailoverHandling {

    private FailoverHandling() {
    }

    // sample:failover-handling
    /** Places an order exactly once, whatever a failover does to the INSERT (autocommit on). */
    static void placeOrder(DataSource pool, String orderId, int amount) throws SQLException {
        boolean mayHaveCommitted = false;
        for (int attempt = 1; ; attempt++) {
            // A new connection for each try: pools such as HikariCP evict a connection after any 08xxx error,
            // and the next one comes from the new writer. In a server, the container's pool does the same.
            try (Connection c = pool.getConnection()) {
                if (mayHaveCommitted && exists(c, orderId)) {
                    return;                             // the lost reply was a commit: done, do not insert twice
                }
                try (PreparedStatement insert = c.prepareStatement("INSERT INTO orders (id, amount) VALUES (?, ?)")) {
                    insert.setString(1, orderId);
                    insert.setInt(2, amount);
                    insert.executeUpdate();
                    return;
                }
            } catch (SQLException e) {
                String state = String.valueOf(e.getSQLState());
                if (attempt == 3 || !(state.equals("08S02") || state.equals("08007"))) {
                    throw e;                            // 08001: no writer within failoverTimeoutMs; or not a failover
                }
                // 08S02: failed over before the INSERT ran, run it again.
                // 08007: failed over while it ran, it may have committed: look it up before running it again.
                mayHaveCommitted |= state.equals("08007");
            }
        }
    }

    static boolean exists(Connection c, String orderId) throws SQLException {
        try (PreparedStatement find = c.prepareStatement("SELECT 1 FROM orders WHERE id = ?")) {
            find.setString(1, orderId);
            try (ResultSet rs = find.executeQuery()) {
                return rs.next();
            }
        }
    }
    // sample:end
}
