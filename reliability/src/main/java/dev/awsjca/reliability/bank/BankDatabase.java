package dev.awsjca.reliability.bank;

import com.zaxxer.hikari.HikariDataSource;
import dev.awsjca.testkit.PgCluster;
import dev.awsjca.testkit.PgNode;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * One database of the bank: its accounts, the log of transfers applied to it, and the application's pool on it.
 * The transfer log is written in the transfer's own transaction, so "did it commit" is a look-up by id; it has no
 * unique key on purpose, so a transfer applied twice shows as two rows instead of being refused.
 */
public final class BankDatabase {

    private final String name;
    private final int accounts;
    private final long openingBalance;
    private final int maxSessions;
    private HikariDataSource pool;

    /** @param maxSessions the most sessions the application's pool may hold on the cluster for this database */
    public BankDatabase(String name, int accounts, long openingBalance, int maxSessions) {
        this.name = name;
        this.accounts = accounts;
        this.openingBalance = openingBalance;
        this.maxSessions = maxSessions;
    }

    public String name() {
        return name;
    }

    /** The application's pools name their sessions so: the audit counts them on every node. */
    public String applicationName() {
        return "bank-" + name;
    }

    int maxSessions() {
        return maxSessions;
    }

    public int accounts() {
        return accounts;
    }

    public long expectedTotal() {
        return accounts * openingBalance;
    }

    HikariDataSource pool() {
        return pool;
    }

    void usePool(HikariDataSource pool) {
        this.pool = pool;
    }

    /** Creates the database, its tables and opening balances, and lets the application's role use them. */
    public void create(PgCluster cluster, String appRole) {
        cluster.createDatabase(name);
        cluster.execute(cluster.writer(), name,
                "CREATE TABLE accounts (id int PRIMARY KEY, balance bigint NOT NULL)",
                "CREATE TABLE transfers (id bigint NOT NULL, attempt int NOT NULL, from_id int NOT NULL,"
                        + " to_id int NOT NULL, amount bigint NOT NULL)",
                "INSERT INTO accounts SELECT g, " + openingBalance + " FROM generate_series(1, " + accounts + ") g",
                "GRANT SELECT, INSERT, UPDATE ON accounts, transfers TO " + appRole);
    }

    /** Runs one try of a transfer in one transaction, on a connection of the pool. */
    void apply(Connection c, Transfer t, int attempt) throws SQLException {
        c.setAutoCommit(false);
        try (PreparedStatement update = c.prepareStatement("UPDATE accounts SET balance = balance + ? WHERE id = ?");
             PreparedStatement log = c.prepareStatement(
                     "INSERT INTO transfers (id, attempt, from_id, to_id, amount) VALUES (?, ?, ?, ?, ?)")) {
            for (int account : new int[] {t.first(), t.second()}) {
                update.setLong(1, account == t.from() ? -t.amount() : t.amount());
                update.setInt(2, account);
                update.executeUpdate();
            }
            log.setLong(1, t.id());
            log.setInt(2, attempt);
            log.setInt(3, t.from());
            log.setInt(4, t.to());
            log.setLong(5, t.amount());
            log.executeUpdate();
        }
        c.commit();
    }

    /** The try of the transfer that is in the database, or null when none is. */
    Integer appliedAttempt(Connection c, long transferId) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT attempt FROM transfers WHERE id = ?")) {
            ps.setLong(1, transferId);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? rs.getInt(1) : null;
            }
        }
    }

    /**
     * Money made or lost: the total of the balances against the opening total plus what the transfer log says came
     * in or went out (a transfer within the database moves nothing in or out; the leg of a transfer to or from the
     * other database has account 0 on the other side). Read in one statement, so one snapshot, straight from the
     * current writer (not through the adapter). Zero, always, whatever is in flight.
     */
    long unexplainedMoney(PgCluster cluster) throws SQLException {
        try (Connection c = cluster.writer().connectDirect(name); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT (SELECT coalesce(sum(balance), 0) FROM accounts)"
                     + " - (SELECT coalesce(sum(CASE WHEN to_id <> 0 THEN amount ELSE 0 END)"
                     + " - sum(CASE WHEN from_id <> 0 THEN amount ELSE 0 END), 0) FROM transfers)")) {
            rs.next();
            return rs.getLong(1) - expectedTotal();
        }
    }

    /** Everything the final audit needs, read in one snapshot from the current writer. */
    Snapshot snapshot(PgCluster cluster) throws SQLException {
        try (Connection c = cluster.writer().connectDirect(name)) {
            c.setAutoCommit(false);
            c.createStatement().execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ");
            Map<Integer, Long> balances = new HashMap<>();
            Map<Long, List<Integer>> attempts = new HashMap<>();
            Map<Integer, Long> replayed = new HashMap<>();
            try (Statement s = c.createStatement()) {
                try (ResultSet rs = s.executeQuery("SELECT id, balance FROM accounts")) {
                    while (rs.next()) {
                        balances.put(rs.getInt(1), rs.getLong(2));
                        replayed.put(rs.getInt(1), openingBalance);
                    }
                }
                try (ResultSet rs = s.executeQuery("SELECT id, attempt, from_id, to_id, amount FROM transfers")) {
                    while (rs.next()) {
                        attempts.computeIfAbsent(rs.getLong(1), id -> new ArrayList<>()).add(rs.getInt(2));
                        replayed.merge(rs.getInt(3), -rs.getLong(5), Long::sum);
                        replayed.merge(rs.getInt(4), rs.getLong(5), Long::sum);
                    }
                }
            }
            c.rollback();
            return new Snapshot(this, balances, attempts, replayed);
        }
    }

    /**
     * Transactions prepared on a node, in any database, at least {@code seconds} ago. A two-phase commit in flight
     * holds a prepared transaction for milliseconds; one older than a few seconds waits for the transaction
     * manager's recovery, and one still there when recovery has run is left behind.
     */
    static int preparedTransactions(PgNode node, int seconds) throws SQLException {
        try (Connection c = node.connectDirect("postgres");
             PreparedStatement ps = c.prepareStatement(
                     "SELECT count(*) FROM pg_prepared_xacts WHERE prepared <= now() - make_interval(secs => ?)")) {
            ps.setInt(1, seconds);
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getInt(1);
            }
        }
    }

    /** Sessions the application's pools hold on a node (their application_name starts with "bank-"). */
    static int applicationSessions(PgNode node, String applicationName) throws SQLException {
        try (Connection c = node.connectDirect("postgres");
             PreparedStatement ps = c.prepareStatement("SELECT count(*) FROM pg_stat_activity WHERE application_name = ?")) {
            ps.setString(1, applicationName);
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getInt(1);
            }
        }
    }

    /** The state of one database at the end: balances, which tries of which transfers are in the log. */
    record Snapshot(BankDatabase database, Map<Integer, Long> balances, Map<Long, List<Integer>> attempts,
                    Map<Integer, Long> replayedBalances) {

        long total() {
            return balances.values().stream().mapToLong(Long::longValue).sum();
        }
    }
}
