-- RDS Multi-AZ DB cluster topology functions, emulated on self-managed streaming replication so that an
-- rds-multi-az-postgresql dialect runs unchanged. Installed like aurora-topology.sql (template1 and postgres
-- on the writer). Resource ids are 'db-testkit-<instance id>'; the endpoint is the instance's loopback
-- address and the port its instance endpoint's port, which each server gets on its command line as
-- testkit.endpoint_port.
CREATE EXTENSION IF NOT EXISTS dblink;
CREATE SCHEMA IF NOT EXISTS rds_tools;

CREATE OR REPLACE FUNCTION rds_tools.dbi_resource_id(OUT dbi_resource_id text)
LANGUAGE sql STABLE AS $$ SELECT 'db-testkit-' || pg_catalog.current_setting('cluster_name') $$;

-- On a reader: the writer's resource id. On the writer: no row.
CREATE OR REPLACE FUNCTION rds_tools.multi_az_db_cluster_source_dbi_resource_id(
    OUT multi_az_db_cluster_source_dbi_resource_id text)
RETURNS SETOF text
LANGUAGE plpgsql VOLATILE SECURITY DEFINER
SET search_path = pg_catalog, public
AS $$
BEGIN
    IF NOT pg_is_in_recovery() THEN
        RETURN;
    END IF;
    BEGIN
        RETURN QUERY SELECT * FROM dblink(current_setting('primary_conninfo') || ' dbname=postgres connect_timeout=2',
                                          'SELECT dbi_resource_id FROM rds_tools.dbi_resource_id()') AS t(id text);
    EXCEPTION WHEN OTHERS THEN
        RETURN; -- writer unreachable: no writer known, as in the middle of a failover
    END;
END
$$;

-- Every instance: on the writer itself and its connected replicas, on a reader whatever its writer says.
CREATE OR REPLACE FUNCTION rds_tools.show_topology(client text DEFAULT NULL, OUT id text, OUT endpoint text, OUT port integer)
RETURNS SETOF record
LANGUAGE plpgsql VOLATILE SECURITY DEFINER
SET search_path = pg_catalog, public
AS $$
BEGIN
    IF NOT pg_is_in_recovery() THEN
        RETURN QUERY
        SELECT 'db-testkit-' || n.instance, '127.0.0.' || n.instance, current_setting('testkit.endpoint_port')::integer
        FROM (SELECT current_setting('cluster_name') AS instance
              UNION ALL
              SELECT r.application_name FROM pg_stat_replication r) n;
        RETURN;
    END IF;
    BEGIN
        RETURN QUERY
        SELECT * FROM dblink(current_setting('primary_conninfo') || ' dbname=postgres connect_timeout=2',
                             'SELECT id, endpoint, port FROM rds_tools.show_topology()')
            AS t(id text, endpoint text, port integer);
    EXCEPTION WHEN OTHERS THEN
        RETURN QUERY SELECT 'db-testkit-' || current_setting('cluster_name'), '127.0.0.' || current_setting('cluster_name'),
                            current_setting('testkit.endpoint_port')::integer;
    END;
END
$$;
