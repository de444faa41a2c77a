package dev.awsjca.testkit;

import java.util.List;
import java.util.Map;

/** The postgresql.conf and pg_hba.conf every node of a cluster shares. */
final class ServerConfig {

    private ServerConfig() {
    }

    static String postgresqlConf(TlsFiles tls, Map<String, String> extraSettings) {
        StringBuilder conf = new StringBuilder("\n# --- testkit: settings shared by every node ---\n");
        // per-node settings (port, listen_addresses, cluster_name) are on each server's command line, because
        // copying a data directory (cp, pg_rewind) copies this file too
        setting(conf, "ssl", "on");
        setting(conf, "ssl_cert_file", tls.certificate().toString());
        setting(conf, "ssl_key_file", tls.privateKey().toString());
        setting(conf, "password_encryption", "scram-sha-256");
        // TCP only: no socket in /var/run/postgresql, which an unprivileged user may not write
        setting(conf, "unix_socket_directories", "");
        setting(conf, "max_connections", "200");
        setting(conf, "shared_buffers", "32MB");
        setting(conf, "max_prepared_transactions", "64");
        setting(conf, "wal_level", "replica");
        setting(conf, "max_wal_senders", "16");
        setting(conf, "max_replication_slots", "16");
        // enough WAL for a crashed node to catch up or be rewound without an archive
        setting(conf, "wal_keep_size", "256MB");
        setting(conf, "max_wal_size", "256MB");
        setting(conf, "hot_standby", "on");
        setting(conf, "hot_standby_feedback", "on");
        // pg_rewind needs hint-bit changes in the WAL (or data checksums)
        setting(conf, "wal_log_hints", "on");
        setting(conf, "full_page_writes", "on");
        // synchronous_commit stays on: with it off WAL shipping lags about 200 ms and commits could be lost
        setting(conf, "synchronous_commit", "on");
        // faults here are process crashes, not power cuts: the OS page cache survives them, so skipping
        // fsync loses nothing and spares the shared machine's disk
        setting(conf, "fsync", "off");
        setting(conf, "wal_receiver_status_interval", "1s");
        // a re-pointed or restarted replica retries its upstream quickly (default 5 s)
        setting(conf, "wal_retrieve_retry_interval", "100ms");
        setting(conf, "wal_sender_timeout", "10s");
        setting(conf, "wal_receiver_timeout", "10s");
        setting(conf, "log_line_prefix", "%m [%p] %q%u@%d ");
        setting(conf, "log_connections", "off");
        for (Map.Entry<String, String> e : extraSettings.entrySet()) {
            setting(conf, e.getKey(), e.getValue());
        }
        return conf.toString();
    }

    /** Builder rules first (first match wins in pg_hba.conf), then a password (scram) for every other login. */
    static String hbaConf(List<String> extraRules) {
        StringBuilder hba = new StringBuilder("# written by the testkit\n");
        if (!extraRules.isEmpty()) {
            hba.append("# rules given to PgCluster.Builder.hbaRules\n");
            for (String rule : extraRules) {
                hba.append(rule).append('\n');
            }
        }
        hba.append("# every other login needs the password: no trust anywhere\n");
        hba.append("host all all 127.0.0.0/8 scram-sha-256\n");
        hba.append("host replication all 127.0.0.0/8 scram-sha-256\n");
        return hba.toString();
    }

    private static void setting(StringBuilder conf, String name, String value) {
        conf.append(name).append(" = '").append(value.replace("'", "''")).append("'\n");
    }
}
