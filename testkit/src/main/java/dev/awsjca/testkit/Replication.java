package dev.awsjca.testkit;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;

/**
 * The streaming-replication steps a failover, switchover and rejoin are made of, each on real servers and
 * each returning only when PostgreSQL says it is done. Polls every few ms: PostgreSQL's own waits
 * ({@code pg_promote(wait => true)}, {@code pg_ctl -w}) look only every 100 ms.
 */
final class Replication {

    static final Duration TIMEOUT = Duration.ofSeconds(60);

    private Replication() {
    }

    /**
     * Waits until no replica still streams from the writer that just stopped. A WAL receiver can still be
     * writing what it read before the writer died: a replica measured before that would look behind, the other
     * one would be promoted, and this one, now ahead of the new timeline's fork point, could never follow it.
     */
    static void awaitReceiversStopped(List<PgNode> replicas) {
        long deadline = deadline();
        for (PgNode replica : replicas) {
            while (!"0".equals(replica.queryString("SELECT count(*) FROM pg_stat_wal_receiver WHERE status = 'streaming'"))) {
                if (System.nanoTime() > deadline) {
                    throw new TestkitException(replica.name() + " still streams from the stopped writer after "
                            + TIMEOUT.toSeconds() + " s");
                }
                pause(5);
            }
        }
    }

    /** The replica that received the most WAL: it holds every commit a synchronous replica acknowledged. */
    static PgNode mostAdvanced(List<PgNode> candidates) {
        return candidates.stream()
                .max(Comparator.comparingLong(Replication::receivedLsn).thenComparing(n -> -n.index()))
                .orElseThrow();
    }

    /**
     * How far the replica's WAL goes: the larger of what it received and what it replayed. After a restart,
     * pg_last_wal_receive_lsn() starts again at the beginning of the segment it streams from, behind WAL the
     * replica already holds and replayed; measured alone it made a replica look behind the other, which was
     * promoted, and this one could then never follow the new timeline.
     */
    private static long receivedLsn(PgNode replica) {
        String lsn = replica.queryString(
                "SELECT (greatest(pg_last_wal_receive_lsn(), pg_last_wal_replay_lsn()) - '0/0'::pg_lsn)::bigint");
        return lsn == null ? -1 : Long.parseLong(lsn);
    }

    /**
     * Turns synchronous replication ({@code ANY 1}) on or off for a writer, or for a replica about to be
     * promoted (the setting waits in the file until then).
     */
    static void synchronous(PgNode node, boolean on) {
        node.execute("postgres", "ALTER SYSTEM SET synchronous_standby_names = '" + (on ? "ANY 1 (*)" : "") + "'",
                "SELECT pg_reload_conf()");
    }

    /** Ends recovery on a replica and returns once it is a writer. */
    static void promote(PgNode node) {
        try (Connection c = node.connectDirect("postgres"); Statement s = c.createStatement()) {
            try (ResultSet rs = s.executeQuery("SELECT pg_promote(false)")) {
                rs.next();
            }
            long deadline = deadline();
            while (System.nanoTime() < deadline) {
                try (ResultSet rs = s.executeQuery("SELECT pg_is_in_recovery()")) {
                    rs.next();
                    if (!rs.getBoolean(1)) {
                        return;
                    }
                }
                pause(2);
            }
        } catch (SQLException e) {
            throw new TestkitException(node.name() + ": promotion failed: " + e.getMessage() + "; see " + node.logFile(), e);
        }
        throw new TestkitException(node.name() + " did not finish promotion within " + TIMEOUT.toSeconds() + " s; see "
                + node.logFile());
    }

    /** Makes a running replica stream from another upstream (a reload is enough since PostgreSQL 13). */
    static void repoint(PgNode replica, PgNode upstream) {
        replica.execute("postgres", "ALTER SYSTEM SET primary_conninfo = '" + upstream.replicationSource(replica) + "'",
                "SELECT pg_reload_conf()");
    }

    /** Waits until a transaction that writes commits on the node (through synchronous replication, if on). */
    static void awaitWritable(PgNode node) {
        long deadline = deadline();
        SQLException last = null;
        while (System.nanoTime() < deadline) {
            try (Connection c = node.connectDirect("postgres"); Statement s = c.createStatement()) {
                s.execute("SELECT txid_current()"); // takes a transaction id, so the commit is a real write
                return;
            } catch (SQLException e) {
                last = e;
                pause(20);
            }
        }
        throw new TestkitException(node.name() + " did not accept a write within " + TIMEOUT.toSeconds() + " s"
                + (last == null ? "" : ": " + last.getMessage()));
    }

    /** Waits until each replica streams from the upstream (as its pg_stat_replication shows). */
    static void awaitStreaming(PgNode upstream, List<PgNode> replicas) {
        if (replicas.isEmpty()) {
            return;
        }
        List<String> ids = replicas.stream().map(PgNode::instanceId).toList();
        String sql = "SELECT count(*) FROM pg_stat_replication WHERE state = 'streaming' AND application_name IN ('"
                + String.join("','", ids) + "')";
        long deadline = deadline();
        while (Integer.parseInt(upstream.queryString(sql)) != ids.size()) {
            if (System.nanoTime() > deadline) {
                StringBuilder logs = new StringBuilder();
                replicas.forEach(r -> logs.append("\n--- the end of ").append(r.name()).append("'s log:\n").append(r.logTail(15)));
                throw new TestkitException("replicas " + ids + " did not stream from " + upstream.name() + " within "
                        + TIMEOUT.toSeconds() + " s" + logs);
            }
            pause(5);
        }
    }

    /** Waits until each replica has replayed everything the writer wrote before this call. */
    static void awaitReplayed(PgNode writer, List<PgNode> replicas) {
        String lsn = writer.queryString("SELECT pg_current_wal_lsn()");
        long deadline = deadline();
        for (PgNode replica : replicas) {
            while (!"t".equals(replica.queryString("SELECT pg_last_wal_replay_lsn() >= '" + lsn + "'::pg_lsn"))) {
                if (System.nanoTime() > deadline) {
                    throw new TestkitException(replica.name() + " did not replay the writer's WAL up to " + lsn + " within "
                            + TIMEOUT.toSeconds() + " s; see " + replica.logFile());
                }
                pause(2);
            }
        }
    }

    /**
     * Rewinds a stopped former writer to where its history forked from the current writer's, so it can
     * follow it: it may hold WAL the new writer never got. pg_rewind reads the new timeline from the
     * writer's control file, which a fresh promotion updates only at the next checkpoint: without one the
     * old writer loops on "new timeline forked off before current recovery point".
     */
    static void rewind(ClusterFiles files, PgNode formerWriter, PgNode writer) {
        writer.execute("postgres", "CHECKPOINT");
        files.run(TIMEOUT, "pg_rewind", "--target-pgdata=" + formerWriter.dataDir(), "--no-sync",
                "--source-server=" + writer.replicationSource(formerWriter) + " dbname=postgres");
    }

    private static long deadline() {
        return System.nanoTime() + TIMEOUT.toNanos();
    }

    static void pause(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new TestkitException("interrupted", e);
        }
    }
}
