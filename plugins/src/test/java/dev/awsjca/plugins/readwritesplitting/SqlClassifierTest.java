package dev.awsjca.plugins.readwritesplitting;

import dev.awsjca.plugins.sql.Route;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** The lexer matrix: each statement with the route it must get in readWriteSplittingMode=sql. */
class SqlClassifierTest {

    static Stream<Arguments> statements() {
        return Stream.of(
                // plain reads
                r("SELECT 1"),
                r("select * from orders where id = 42"),
                r("  \n\tSELECT a, b FROM t"),
                r("SELECT count(*), max(total) FROM orders GROUP BY customer HAVING sum(total) > 10"),
                r("SELECT * FROM t1 JOIN t2 ON (t1.id = t2.id) WHERE t1.x IN (1, 2, 3)"),
                r("SELECT * FROM t WHERE EXISTS (SELECT 1 FROM u WHERE u.id = t.id)"),
                r("(SELECT 1) UNION ALL (SELECT 2)"),
                r("VALUES (1, 'a'), (2, 'b')"),
                r("TABLE orders"),
                r("SHOW search_path"),
                r("SELECT now(), lower(name), coalesce(a, b) FROM t"),
                r("SELECT pg_catalog.now()"),
                r("SELECT x::numeric(10,2), CAST(y AS varchar(20)) FROM t"),
                r("SELECT row_number() OVER (PARTITION BY a ORDER BY b) FROM t"),
                r("SELECT * FROM generate_series(1, 10) AS g(n)"),
                r("SELECT 'insert into x values (1)' AS text_not_sql"),
                r("SELECT $$ delete from t $$"),
                r("SELECT $body$ update t set a = 1 $body$ AS q"),
                r("SELECT E'it\\'s fine; DELETE FROM t'"),
                r("SELECT \"update\" FROM \"delete\""),
                r("-- a comment: DELETE FROM t\nSELECT 1"),
                r("/* UPDATE t SET a = 1 */ SELECT 1"),
                r("/* nested /* UPDATE */ still comment */ SELECT 1"),
                r("SELECT 1; SELECT 2"),
                r("SELECT 1;"),
                r("WITH recent AS (SELECT * FROM orders WHERE ts > now() - interval '1 day') SELECT count(*) FROM recent"),
                r("WITH RECURSIVE tree AS (SELECT id FROM n WHERE parent IS NULL UNION ALL SELECT n.id FROM n JOIN tree ON n.parent = tree.id) SELECT * FROM tree"),
                r("EXPLAIN SELECT * FROM t"),
                r("EXPLAIN INSERT INTO t VALUES (1)"),
                r("EXPLAIN ANALYZE SELECT * FROM t"),
                r("EXPLAIN (ANALYZE, BUFFERS) SELECT count(*) FROM t"),
                r("COPY orders TO STDOUT"),
                r("COPY (SELECT * FROM orders) TO STDOUT WITH (FORMAT csv)"),
                r("SELECT a FROM t WHERE b LIKE 'x%' ORDER BY a LIMIT 10 OFFSET 5"),
                r("SELECT json_build_object('a', 1)"),
                r("SELECT * FROM t FOR_update_col"),
                r("SELECT id FROM t ORDER BY id FETCH FIRST 5 ROWS ONLY"),
                r("SELECT CASE WHEN a > 0 THEN (b + 1) ELSE (c) END FROM t"),
                r("/*@reader*/ SELECT my_report_fn()"),
                r("SELECT my_report_fn() /*@reader*/"),
                r("select pg_last_wal_replay_lsn()"),
                // writes and everything that might write
                w("INSERT INTO t VALUES (1)"),
                w("insert into t select * from u"),
                w("UPDATE t SET a = 1"),
                w("DELETE FROM t"),
                w("MERGE INTO t USING u ON t.id = u.id WHEN MATCHED THEN DELETE"),
                w("SELECT * FROM t FOR UPDATE"),
                w("SELECT * FROM t WHERE id = 1 FOR SHARE"),
                w("SELECT * FROM t FOR NO KEY UPDATE SKIP LOCKED"),
                w("SELECT * FROM t FOR KEY SHARE"),
                w("SELECT * INTO new_t FROM t"),
                w("SELECT my_function(1)"),
                w("SELECT public.audit_log('x')"),
                w("SELECT \"MyFunction\"()"),
                w("SELECT nextval('seq')"),
                w("SELECT setval('seq', 10)"),
                w("SELECT pg_advisory_lock(1)"),
                w("WITH moved AS (DELETE FROM a RETURNING *) INSERT INTO b SELECT * FROM moved"),
                w("WITH x AS (UPDATE t SET a = 1 RETURNING id) SELECT * FROM x"),
                w("WITH x AS (SELECT 1) SELECT write_fn(x) FROM x"),
                w("EXPLAIN ANALYZE INSERT INTO t VALUES (1)"),
                w("EXPLAIN (ANALYZE) DELETE FROM t"),
                w("EXPLAIN ANALYZE SELECT my_fn()"),
                w("SET search_path TO app"),
                w("SET application_name = 'x'"),
                w("RESET ALL"),
                w("COPY orders FROM STDIN"),
                w("COPY (SELECT my_fn()) TO STDOUT"),
                w("CALL do_things(1)"),
                w("DO $$ BEGIN PERFORM 1; END $$"),
                w("BEGIN"),
                w("COMMIT"),
                w("CREATE TABLE t (a int)"),
                w("DROP TABLE t"),
                w("TRUNCATE t"),
                w("LOCK TABLE t IN ACCESS EXCLUSIVE MODE"),
                w("VACUUM t"),
                w("ANALYZE t"),
                w("NOTIFY channel"),
                w("LISTEN channel"),
                w("PREPARE q AS SELECT 1"),
                w("SELECT 1; DELETE FROM t"),
                w("SELECT 1; my garbage"),
                w("/*@writer*/ SELECT 1"),
                w("SELECT 1 /*@writer*/"),
                w(""),
                w("   -- only a comment"),
                w("REFRESH MATERIALIZED VIEW mv"),
                w("GRANT SELECT ON t TO bob"));
    }

    private static Arguments r(String sql) {
        return Arguments.of(sql, Route.READER);
    }

    private static Arguments w(String sql) {
        return Arguments.of(sql, Route.WRITER);
    }

    @ParameterizedTest(name = "{1}: {0}")
    @MethodSource("statements")
    void routes(String sql, Route expected) {
        assertEquals(expected, SqlClassifier.classify(sql), sql);
    }
}
