-- Aurora PostgreSQL's topology functions, emulated on self-managed streaming replication so that an
-- aurora-postgresql dialect runs unchanged. Installed in template1 and postgres on the writer; replication
-- carries them to every replica and CREATE DATABASE copies them into every new database.
CREATE EXTENSION IF NOT EXISTS dblink;

-- The instance id is the node's cluster_name, set per node on the server's command line.
CREATE OR REPLACE FUNCTION aurora_db_instance_identifier() RETURNS text
LANGUAGE sql STABLE AS $$ SELECT pg_catalog.current_setting('cluster_name') $$;

CREATE OR REPLACE FUNCTION aurora_version() RETURNS text
LANGUAGE sql IMMUTABLE AS $$ SELECT '15.0.testkit' $$;

-- Same columns as Aurora's (see its documentation); values that have no meaning here are NULL or 0.
-- On the writer: itself (session_id MASTER_SESSION_ID) and each connected replica, named by the
-- application_name of its primary_conninfo. On a replica: whatever the writer it streams from reports, so
-- every node tells the same topology; when that writer cannot be reached (crashed, failover under way)
-- the replica reports only itself, with no writer, as an Aurora reader does in the middle of a failover.
CREATE OR REPLACE FUNCTION aurora_replica_status(
    OUT server_id text, OUT session_id text, OUT durable_lsn bigint, OUT highest_lsn_rcvd bigint,
    OUT current_read_lsn bigint, OUT cur_replay_latency_in_usec bigint, OUT active_txns bigint,
    OUT is_current boolean, OUT last_transport_error integer, OUT last_error_timestamp timestamptz,
    OUT last_update_timestamp timestamptz, OUT feedback_xmin bigint, OUT feedback_epoch integer,
    OUT replica_lag_in_msec real, OUT log_stream_speed_in_kib_per_second real,
    OUT log_buffer_sequence_number bigint, OUT oldest_read_view_trx_id bigint, OUT oldest_read_view_lsn bigint,
    OUT pending_read_ios bigint, OUT read_ios bigint, OUT iops integer, OUT cpu real)
RETURNS SETOF record
LANGUAGE plpgsql VOLATILE SECURITY DEFINER
SET search_path = pg_catalog, public
AS $$
BEGIN
    IF NOT pg_is_in_recovery() THEN
        RETURN QUERY
        SELECT current_setting('cluster_name'), 'MASTER_SESSION_ID'::text,
               (pg_current_wal_lsn() - '0/0'::pg_lsn)::bigint, (pg_current_wal_lsn() - '0/0'::pg_lsn)::bigint,
               (pg_current_wal_lsn() - '0/0'::pg_lsn)::bigint, 0::bigint,
               (SELECT count(*) FROM pg_stat_activity WHERE state LIKE 'idle in transaction%' OR (state = 'active' AND backend_xid IS NOT NULL)),
               true, 0, NULL::timestamptz, now(), NULL::bigint, NULL::integer, 0::real, 0::real,
               NULL::bigint, NULL::bigint, NULL::bigint, 0::bigint, 0::bigint, 0, 0::real
        UNION ALL
        SELECT r.application_name, md5(r.application_name)::uuid::text,
               (r.replay_lsn - '0/0'::pg_lsn)::bigint, (r.flush_lsn - '0/0'::pg_lsn)::bigint,
               (r.replay_lsn - '0/0'::pg_lsn)::bigint,
               coalesce((extract(epoch FROM r.replay_lag) * 1000000)::bigint, 0),
               0::bigint, false, 0, NULL::timestamptz, now(), r.backend_xmin::text::bigint, NULL::integer,
               coalesce((extract(epoch FROM r.replay_lag) * 1000)::real, 0::real), 0::real,
               NULL::bigint, NULL::bigint, NULL::bigint, 0::bigint, 0::bigint, 0, 0::real
        FROM pg_stat_replication r;
        RETURN;
    END IF;
    BEGIN
        RETURN QUERY
        SELECT * FROM dblink(current_setting('primary_conninfo') || ' dbname=postgres connect_timeout=2',
                             'SELECT * FROM aurora_replica_status()')
            AS t(server_id text, session_id text, durable_lsn bigint, highest_lsn_rcvd bigint,
                 current_read_lsn bigint, cur_replay_latency_in_usec bigint, active_txns bigint,
                 is_current boolean, last_transport_error integer, last_error_timestamp timestamptz,
                 last_update_timestamp timestamptz, feedback_xmin bigint, feedback_epoch integer,
                 replica_lag_in_msec real, log_stream_speed_in_kib_per_second real,
                 log_buffer_sequence_number bigint, oldest_read_view_trx_id bigint, oldest_read_view_lsn bigint,
                 pending_read_ios bigint, read_ios bigint, iops integer, cpu real);
    EXCEPTION WHEN OTHERS THEN
        RETURN QUERY
        SELECT current_setting('cluster_name'), md5(current_setting('cluster_name'))::uuid::text,
               (pg_last_wal_replay_lsn() - '0/0'::pg_lsn)::bigint, (pg_last_wal_receive_lsn() - '0/0'::pg_lsn)::bigint,
               (pg_last_wal_replay_lsn() - '0/0'::pg_lsn)::bigint, 0::bigint, 0::bigint, false, 1,
               now(), now(), NULL::bigint, NULL::integer, 0::real, 0::real,
               NULL::bigint, NULL::bigint, NULL::bigint, 0::bigint, 0::bigint, 0, 0::real;
    END;
END
$$;
