package dev.awsjca.jdbc;

import org.postgresql.PGConnection;
import org.postgresql.PGNotification;
import org.postgresql.copy.CopyManager;

import java.io.StringReader;
import java.io.StringWriter;
import java.math.BigDecimal;
import java.sql.CallableStatement;
import java.sql.Connection;
import java.sql.DatabaseMetaData;
import java.sql.Date;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.Savepoint;
import java.sql.Statement;
import java.sql.Timestamp;
import java.sql.Types;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.UUID;

/**
 * JDBC work an application does, written once and run on pgjdbc and through the wrapper. Each works on
 * temporary tables, so runs on different sessions do not meet.
 */
final class JdbcScenarios {

    interface Scenario {
        void run(Connection c, JdbcTrace t) throws Exception;
    }

    static final Map<String, Scenario> ALL = new LinkedHashMap<>();

    static {
        ALL.put("ddl and dml", JdbcScenarios::ddlAndDml);
        ALL.put("batches", JdbcScenarios::batches);
        ALL.put("large update counts", JdbcScenarios::largeUpdateCounts);
        ALL.put("prepared statement parameters", JdbcScenarios::preparedParameters);
        ALL.put("callable statements", JdbcScenarios::callable);
        ALL.put("generated keys", JdbcScenarios::generatedKeys);
        ALL.put("result set navigation", JdbcScenarios::navigation);
        ALL.put("updatable result set", JdbcScenarios::updatable);
        ALL.put("result set types", JdbcScenarios::types);
        ALL.put("metadata", JdbcScenarios::metadata);
        ALL.put("transactions and savepoints", JdbcScenarios::transactions);
        ALL.put("server errors", JdbcScenarios::serverErrors);
        ALL.put("closed objects", JdbcScenarios::closedObjects);
        ALL.put("object identity", JdbcScenarios::identity);
        ALL.put("arrays and what they lead to", JdbcScenarios::arrays);
        ALL.put("copy through unwrap", JdbcScenarios::copy);
        ALL.put("listen and notify through unwrap", JdbcScenarios::listenNotify);
        ALL.put("warnings", JdbcScenarios::warnings);
        ALL.put("query timeout", JdbcScenarios::queryTimeout);
    }

    private JdbcScenarios() {
    }

    static void ddlAndDml(Connection c, JdbcTrace t) throws Exception {
        try (Statement s = c.createStatement()) {
            t.add("create", s.execute("CREATE TEMP TABLE item (id int PRIMARY KEY, name text)"));
            t.add("insert", s.executeUpdate("INSERT INTO item VALUES (1, 'a'), (2, 'b'), (3, 'c')"));
            t.add("update", s.executeUpdate("UPDATE item SET name = upper(name) WHERE id > 1"));
            t.add("execute returns rows", s.execute("SELECT id, name FROM item ORDER BY id"));
            try (ResultSet rs = s.getResultSet()) {
                while (rs.next()) {
                    t.add("row", rs.getInt(1) + "/" + rs.getString("name"));
                }
            }
            t.add("update count after query", s.getUpdateCount());
            t.add("more results", s.getMoreResults());
            t.add("delete", s.executeUpdate("DELETE FROM item WHERE id = 3"));
            t.add("multi-statement", s.execute("INSERT INTO item VALUES (9, 'z'); SELECT count(*) FROM item"));
            t.add("first count", s.getUpdateCount());
            t.add("next is result", s.getMoreResults());
            try (ResultSet rs = s.getResultSet()) {
                rs.next();
                t.add("count", rs.getLong(1));
            }
            t.add("alter", s.executeUpdate("ALTER TABLE item ADD COLUMN price numeric(10,2)"));
            t.add("drop", s.executeUpdate("DROP TABLE item"));
        }
    }

    static void batches(Connection c, JdbcTrace t) throws Exception {
        try (Statement s = c.createStatement()) {
            s.execute("CREATE TEMP TABLE b (id int PRIMARY KEY, v text)");
            s.addBatch("INSERT INTO b VALUES (1, 'one')");
            s.addBatch("INSERT INTO b VALUES (2, 'two'), (3, 'three')");
            s.addBatch("UPDATE b SET v = 'x' WHERE id > 0");
            t.add("statement batch", s.executeBatch());
            s.addBatch("INSERT INTO b VALUES (4, 'four')");
            s.clearBatch();
            t.add("cleared batch", s.executeBatch());
        }
        try (PreparedStatement ps = c.prepareStatement("INSERT INTO b VALUES (?, ?)")) {
            for (int i = 10; i < 15; i++) {
                ps.setInt(1, i);
                ps.setString(2, "v" + i);
                ps.addBatch();
            }
            t.add("prepared batch", ps.executeBatch());
            ps.setInt(1, 1);
            ps.setString(2, "duplicate");
            ps.addBatch();
            t.attempt("failing batch", ps::executeBatch);
        }
    }

    static void largeUpdateCounts(Connection c, JdbcTrace t) throws Exception {
        try (Statement s = c.createStatement()) {
            s.execute("CREATE TEMP TABLE big (n int)");
            t.add("large insert", s.executeLargeUpdate("INSERT INTO big SELECT generate_series(1, 20000)"));
            t.add("large count", s.getLargeUpdateCount());
            s.addBatch("UPDATE big SET n = n + 1");
            t.add("large batch", s.executeLargeBatch());
            t.attempt("set large max rows", () -> {
                s.setLargeMaxRows(5);
                return "set";
            });
            s.setMaxRows(5);
            try (ResultSet rs = s.executeQuery("SELECT n FROM big ORDER BY n")) {
                int rows = 0;
                while (rs.next()) {
                    rows++;
                }
                t.add("max rows honoured", rows);
            }
            t.attempt("large max rows", s::getLargeMaxRows);
        }
        try (PreparedStatement ps = c.prepareStatement("DELETE FROM big WHERE n > ?")) {
            ps.setInt(1, 10);
            t.add("prepared large update", ps.executeLargeUpdate());
        }
    }

    static void preparedParameters(Connection c, JdbcTrace t) throws Exception {
        try (PreparedStatement ps = c.prepareStatement(
                "SELECT ?::int, ?::bigint, ?::text, ?::numeric, ?::date, ?::timestamp, ?::bytea, ?::int, ?::timestamptz, ?::int[], ?::uuid, ?::boolean")) {
            ps.setInt(1, 42);
            ps.setLong(2, 9_000_000_000L);
            ps.setString(3, "héllo 'quoted'");
            ps.setBigDecimal(4, new BigDecimal("12345.678900"));
            ps.setDate(5, Date.valueOf("2026-11-24"));
            ps.setTimestamp(6, Timestamp.valueOf("2026-11-24 10:11:12.345"));
            ps.setBytes(7, new byte[] {0, 1, 2, (byte) 0xff});
            ps.setNull(8, Types.INTEGER);
            ps.setObject(9, OffsetDateTime.of(2026, 11, 24, 10, 0, 0, 0, ZoneOffset.UTC));
            ps.setArray(10, c.createArrayOf("int4", new Integer[] {1, 2, 3}));
            ps.setObject(11, UUID.fromString("123e4567-e89b-12d3-a456-426614174000"));
            ps.setBoolean(12, true);
            t.add("parameter count", ps.getParameterMetaData().getParameterCount());
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                for (int i = 1; i <= 12; i++) {
                    t.add("column " + i, rs.getObject(i));
                }
                t.add("was null", rs.wasNull());
                t.add("offset date time", rs.getObject(9, OffsetDateTime.class).withOffsetSameInstant(ZoneOffset.UTC));
                t.add("local date", rs.getObject(5, LocalDate.class));
            }
            ps.clearParameters();
            t.attempt("execute without parameters", ps::executeQuery);
        }
    }

    static void callable(Connection c, JdbcTrace t) throws Exception {
        try (Statement s = c.createStatement()) {
            s.execute("CREATE OR REPLACE FUNCTION pg_temp.add_one(x int) RETURNS int LANGUAGE sql AS 'SELECT x + 1'");
            s.execute("CREATE OR REPLACE PROCEDURE pg_temp.double_it(INOUT x int) LANGUAGE plpgsql AS $$ BEGIN x := x * 2; END $$");
        }
        try (CallableStatement cs = c.prepareCall("{? = call upper(?)}")) {
            cs.registerOutParameter(1, Types.VARCHAR);
            cs.setString(2, "shout");
            t.add("execute", cs.execute());
            t.add("out", cs.getString(1));
            t.add("was null", cs.wasNull());
        }
        try (CallableStatement cs = c.prepareCall("{? = call pg_temp.add_one(?)}")) {
            cs.registerOutParameter(1, Types.INTEGER);
            cs.setInt(2, 41);
            cs.execute();
            t.add("function out", cs.getInt(1));
            t.add("as object", cs.getObject(1));
        }
        try (CallableStatement cs = c.prepareCall("CALL pg_temp.double_it(?)")) {
            cs.registerOutParameter(1, Types.INTEGER);
            cs.setInt(1, 21);
            cs.execute();
            t.add("inout", cs.getInt(1));
        }
        try (CallableStatement cs = c.prepareCall("{? = call no_such_function(?)}")) {
            cs.registerOutParameter(1, Types.INTEGER);
            cs.setInt(2, 1);
            t.attempt("missing function", cs::execute);
        }
    }

    static void generatedKeys(Connection c, JdbcTrace t) throws Exception {
        try (Statement s = c.createStatement()) {
            s.execute("CREATE TEMP TABLE g (id serial PRIMARY KEY, code text DEFAULT 'dflt', v text)");
            t.add("insert", s.executeUpdate("INSERT INTO g (v) VALUES ('a')", Statement.RETURN_GENERATED_KEYS));
            try (ResultSet keys = s.getGeneratedKeys()) {
                keys.next();
                t.add("key", keys.getInt("id"));
                t.add("keys statement is the statement", keys.getStatement() == s);
            }
        }
        try (PreparedStatement ps = c.prepareStatement("INSERT INTO g (v) VALUES (?)", new String[] {"id", "code"})) {
            ps.setString(1, "b");
            ps.executeUpdate();
            try (ResultSet keys = ps.getGeneratedKeys()) {
                keys.next();
                t.add("named keys", keys.getInt(1) + "/" + keys.getString(2));
                t.add("key columns", keys.getMetaData().getColumnCount());
            }
        }
    }

    static void navigation(Connection c, JdbcTrace t) throws Exception {
        try (Statement s = c.createStatement(ResultSet.TYPE_SCROLL_INSENSITIVE, ResultSet.CONCUR_READ_ONLY)) {
            t.add("type", s.getResultSetType());
            try (ResultSet rs = s.executeQuery("SELECT generate_series(1, 10) AS n")) {
                t.add("before first", rs.isBeforeFirst());
                t.add("last", rs.last());
                t.add("row", rs.getRow());
                t.add("n", rs.getInt("n"));
                t.add("absolute 3", rs.absolute(3));
                t.add("n", rs.getInt(1));
                t.add("relative -2", rs.relative(-2));
                t.add("is first", rs.isFirst());
                t.add("previous", rs.previous());
                t.add("before first now", rs.isBeforeFirst());
                rs.afterLast();
                t.add("after last", rs.isAfterLast());
                t.add("absolute 99", rs.absolute(99));
                rs.beforeFirst();
                rs.next();
                t.add("find column", rs.findColumn("n"));
                t.attempt("unknown column", () -> rs.getInt("missing"));
                t.attempt("column 0", () -> rs.getInt(0));
                t.add("fetch size", rs.getFetchSize());
                t.add("concurrency", rs.getConcurrency());
            }
        }
        try (Statement s = c.createStatement()) {
            try (ResultSet rs = s.executeQuery("SELECT 1")) {
                t.attempt("previous on forward-only", rs::previous);
            }
        }
    }

    static void updatable(Connection c, JdbcTrace t) throws Exception {
        try (Statement s = c.createStatement()) {
            s.execute("CREATE TEMP TABLE u (id int PRIMARY KEY, v text)");
            s.execute("INSERT INTO u VALUES (1, 'one'), (2, 'two')");
        }
        try (Statement s = c.createStatement(ResultSet.TYPE_SCROLL_INSENSITIVE, ResultSet.CONCUR_UPDATABLE)) {
            try (ResultSet rs = s.executeQuery("SELECT id, v FROM u ORDER BY id")) {
                rs.next();
                rs.updateString("v", "uno");
                rs.updateRow();
                rs.moveToInsertRow();
                rs.updateInt(1, 3);
                rs.updateString(2, "three");
                rs.insertRow();
                rs.moveToCurrentRow();
                rs.last();
                rs.deleteRow();
            }
            try (ResultSet rs = s.executeQuery("SELECT string_agg(id || ':' || v, ',' ORDER BY id) FROM u")) {
                rs.next();
                t.add("table after updates", rs.getString(1));
            }
        }
    }

    static void types(Connection c, JdbcTrace t) throws Exception {
        try (Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT 1::smallint, 2::int, 3::bigint, 4.5::real, 6.25::float8, 7.10::numeric(5,2),"
                     + " 'x'::char(3), 'text'::text, true, DATE '2026-01-02', TIME '03:04:05', TIMESTAMP '2026-01-02 03:04:05.678',"
                     + " TIMESTAMPTZ '2026-01-02 03:04:05+00' AT TIME ZONE 'UTC', '\\xdeadbeef'::bytea, '{1,2,3}'::int[], ARRAY['a','b'],"
                     + " '{\"k\": [1, 2]}'::jsonb, '1 day 02:03:04'::interval, 'a1b2c3d4-0000-0000-0000-000000000000'::uuid,"
                     + " NULL::int, 'NaN'::numeric, '(1,2)'::point, 12345678901234567890::numeric")) {
            ResultSetMetaData md = rs.getMetaData();
            t.add("columns", md.getColumnCount());
            rs.next();
            for (int i = 1; i <= md.getColumnCount(); i++) {
                t.add("type " + i, md.getColumnTypeName(i) + "/" + md.getColumnType(i) + "/" + md.getPrecision(i) + "/" + md.getScale(i));
                t.add("object " + i, rs.getObject(i));
                t.add("string " + i, rs.getString(i));
            }
            t.add("int of null", rs.getInt(20));
            t.add("was null", rs.wasNull());
            t.add("array", rs.getArray(15));
            t.add("array result set", describeArrayRows(rs.getArray(16).getResultSet()));
            t.add("bytes", rs.getBytes(14));
            t.add("big decimal", rs.getBigDecimal(6));
            t.attempt("int of text", () -> rs.getInt(8));
        }
    }

    private static String describeArrayRows(ResultSet rs) throws Exception {
        StringBuilder b = new StringBuilder();
        while (rs.next()) {
            b.append(rs.getInt(1)).append('=').append(rs.getString(2)).append(';');
        }
        return b.toString();
    }

    static void metadata(Connection c, JdbcTrace t) throws Exception {
        try (Statement s = c.createStatement()) {
            s.execute("CREATE TEMP TABLE meta_t (id int PRIMARY KEY, label varchar(20) NOT NULL)");
        }
        DatabaseMetaData md = c.getMetaData();
        t.add("product", md.getDatabaseProductName());
        t.add("major", md.getDatabaseMajorVersion());
        t.add("driver", md.getDriverName());
        t.add("url", md.getURL());
        t.add("user", md.getUserName());
        t.add("supports batch", md.supportsBatchUpdates());
        t.add("isolation default", md.getDefaultTransactionIsolation());
        t.add("metadata connection is the connection", md.getConnection() == c);
        t.add("same metadata object", c.getMetaData() == md);
        try (ResultSet rs = md.getColumns(null, null, "meta_t", null)) {
            while (rs.next()) {
                t.add("column", rs.getString("COLUMN_NAME") + " " + rs.getString("TYPE_NAME") + " " + rs.getInt("NULLABLE"));
            }
            t.add("metadata result set has a statement", rs.getStatement() != null);
        }
        try (ResultSet rs = md.getPrimaryKeys(null, null, "meta_t")) {
            rs.next();
            t.add("primary key", rs.getString("COLUMN_NAME"));
        }
        try (ResultSet rs = md.getTypeInfo()) {
            int n = 0;
            while (rs.next()) {
                n++;
            }
            t.add("type info rows > 10", n > 10);
        }
    }

    static void transactions(Connection c, JdbcTrace t) throws Exception {
        try (Statement s = c.createStatement()) {
            s.execute("CREATE TEMP TABLE tx (n int)");
        }
        t.add("autocommit", c.getAutoCommit());
        c.setAutoCommit(false);
        c.setTransactionIsolation(Connection.TRANSACTION_REPEATABLE_READ);
        t.add("isolation", c.getTransactionIsolation());
        try (Statement s = c.createStatement()) {
            s.execute("INSERT INTO tx VALUES (1)");
            Savepoint sp = c.setSavepoint("before_two");
            t.add("savepoint name", sp.getSavepointName());
            s.execute("INSERT INTO tx VALUES (2)");
            c.rollback(sp);
            Savepoint unnamed = c.setSavepoint();
            t.attempt("unnamed savepoint's name", unnamed::getSavepointName);
            s.execute("INSERT INTO tx VALUES (3)");
            c.releaseSavepoint(unnamed);
            c.commit();
            s.execute("INSERT INTO tx VALUES (4)");
            c.rollback();
            t.attempt("error in transaction", () -> s.execute("SELECT 1/0"));
            t.attempt("statement after error", () -> s.execute("SELECT 1"));
            c.rollback();
            try (ResultSet rs = s.executeQuery("SELECT string_agg(n::text, ',' ORDER BY n) FROM tx")) {
                rs.next();
                t.add("committed rows", rs.getString(1));
            }
        }
        c.rollback();
        c.setReadOnly(true);
        t.add("read only", c.isReadOnly());
        try (Statement s = c.createStatement()) {
            t.attempt("write in read-only transaction", () -> s.execute("CREATE TEMP TABLE nope (n int)"));
        }
        c.rollback();
        c.setReadOnly(false);
        c.setAutoCommit(true);
        c.setTransactionIsolation(Connection.TRANSACTION_READ_COMMITTED);
        t.attempt("commit in autocommit", () -> {
            c.commit();
            return "no error";
        });
    }

    static void serverErrors(Connection c, JdbcTrace t) throws Exception {
        try (Statement s = c.createStatement()) {
            s.execute("CREATE TEMP TABLE e (id int PRIMARY KEY)");
            s.execute("INSERT INTO e VALUES (1)");
            t.attempt("syntax", () -> s.execute("SELEC 1"));
            t.attempt("unique violation", () -> s.execute("INSERT INTO e VALUES (1)"));
            t.attempt("division by zero", () -> s.executeQuery("SELECT 1/0"));
            t.attempt("undefined table", () -> s.executeQuery("SELECT * FROM no_such_table"));
            t.attempt("raise", () -> s.execute("DO $$ BEGIN RAISE EXCEPTION 'custom failure' USING ERRCODE = 'P0042'; END $$"));
            t.attempt("query on update", () -> s.executeQuery("INSERT INTO e VALUES (2)"));
            t.attempt("update on query", () -> s.executeUpdate("SELECT 1"));
        }
        t.attempt("prepare bad sql", () -> {
            try (PreparedStatement ps = c.prepareStatement("SELECT * FROM no_such_table WHERE id = ?")) {
                ps.setInt(1, 1);
                return ps.executeQuery();
            }
        });
    }

    static void closedObjects(Connection c, JdbcTrace t) throws Exception {
        Statement s = c.createStatement();
        ResultSet rs = s.executeQuery("SELECT 1");
        rs.close();
        t.add("result set closed", rs.isClosed());
        t.attempt("next on closed result set", rs::next);
        s.close();
        t.add("statement closed", s.isClosed());
        t.attempt("execute on closed statement", () -> s.executeQuery("SELECT 1"));
        t.attempt("connection of closed statement", () -> s.getConnection() == c);
        s.close();
        PreparedStatement ps = c.prepareStatement("SELECT ?");
        ps.close();
        t.attempt("set on closed prepared statement", () -> {
            ps.setInt(1, 1);
            return "set";
        });
        Statement open = c.createStatement();
        ResultSet openRs = open.executeQuery("SELECT 1");
        open.close();
        t.add("closing a statement closes its result set", openRs.isClosed());
        Statement onCompletion = c.createStatement();
        onCompletion.closeOnCompletion();
        try (ResultSet r = onCompletion.executeQuery("SELECT 1")) {
            r.next();
        }
        t.add("close on completion", onCompletion.isClosed());
    }

    static void identity(Connection c, JdbcTrace t) throws Exception {
        try (Statement s = c.createStatement();
             PreparedStatement ps = c.prepareStatement("SELECT 1");
             CallableStatement cs = c.prepareCall("{call pg_sleep(0)}")) {
            t.add("statement connection", s.getConnection() == c);
            t.add("prepared connection", ps.getConnection() == c);
            t.add("callable connection", cs.getConnection() == c);
            ResultSet rs = s.executeQuery("SELECT 1");
            t.add("result set statement", rs.getStatement() == s);
            t.add("again", rs.getStatement() == s);
            t.add("getResultSet is the same result set", s.getResultSet() == rs);
            ResultSet prs = ps.executeQuery();
            t.add("prepared result set statement", prs.getStatement() == ps);
            t.add("unwrap to itself", c.unwrap(Connection.class) == c);
            t.add("is wrapper for Connection", c.isWrapperFor(Connection.class));
            t.add("is wrapper for PGConnection", c.isWrapperFor(PGConnection.class));
            t.add("unwrapped statement is a pgjdbc statement", s.unwrap(org.postgresql.PGStatement.class) != null);
            t.attempt("unwrap to something else", () -> c.unwrap(String.class));
        }
    }

    /** Issue 12, defect 15: an Array is a way back to a statement and the connection, like a result set. */
    static void arrays(Connection c, JdbcTrace t) throws Exception {
        try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery("SELECT '{1,2,3}'::int[], ARRAY['a','b']")) {
            rs.next();
            java.sql.Array ints = rs.getArray(1);
            t.add("array", ints);
            t.add("base type", ints.getBaseTypeName() + "/" + ints.getBaseType());
            t.add("elements", java.util.Arrays.toString((Object[]) ints.getArray()));
            t.add("slice", java.util.Arrays.toString((Object[]) ints.getArray(2, 2)));
            ResultSet rows = ints.getResultSet();
            t.add("array rows", describeArrayRows(rows));
            t.add("array rows have a statement", rows.getStatement() != null);
            t.add("that statement's connection is the connection", rows.getStatement().getConnection() == c);
            t.add("slice rows", describeArrayRows(ints.getResultSet(2, 1)));
            Object asObject = rs.getObject(2);
            t.add("getObject is an Array", asObject instanceof java.sql.Array);
            t.add("its rows lead to the connection", ((java.sql.Array) asObject).getResultSet().getStatement().getConnection() == c);
            java.sql.Array typed = rs.getObject(1, java.sql.Array.class);
            t.add("getObject(Array.class) leads to the connection", typed.getResultSet().getStatement().getConnection() == c);
            try (PreparedStatement ps = c.prepareStatement("SELECT ?::int[], ?::text[], ?::int[]")) {
                ps.setArray(1, ints); // an array the application read, bound again
                ps.setObject(2, rs.getArray(2));
                ps.setArray(3, c.createArrayOf("int4", new Integer[] {4, 5}));
                try (ResultSet back = ps.executeQuery()) {
                    back.next();
                    t.add("bound back", back.getString(1) + " " + back.getString(2) + " " + back.getString(3));
                }
            }
            java.sql.Array made = c.createArrayOf("text", new String[] {"x", "y"});
            t.add("made", made);
            t.add("made rows lead to the connection", made.getResultSet().getStatement().getConnection() == c);
            ints.free();
            t.attempt("freed array", () -> ints.getArray());
        }
        ResultSet tables = c.getMetaData().getTypeInfo();
        t.add("metadata rows lead to the connection", tables.getStatement().getConnection() == c);
        tables.close();
    }

    static void copy(Connection c, JdbcTrace t) throws Exception {
        try (Statement s = c.createStatement()) {
            s.execute("CREATE TEMP TABLE cp (id int, v text)");
        }
        CopyManager copy = c.unwrap(PGConnection.class).getCopyAPI();
        t.add("copied in", copy.copyIn("COPY cp FROM STDIN WITH (FORMAT csv)", new StringReader("1,one\n2,two\n3,\"th,ree\"\n")));
        StringWriter out = new StringWriter();
        t.add("copied out", copy.copyOut("COPY (SELECT * FROM cp ORDER BY id) TO STDOUT WITH (FORMAT csv)", out));
        t.add("csv", out.toString());
        t.attempt("bad copy", () -> copy.copyIn("COPY cp FROM STDIN", new StringReader("not-a-number\tx\n")));
    }

    static void listenNotify(Connection c, JdbcTrace t) throws Exception {
        try (Statement s = c.createStatement()) {
            s.execute("LISTEN jdbc_matrix");
            s.execute("NOTIFY jdbc_matrix, 'hello'");
            s.execute("SELECT 1");
        }
        PGNotification[] notifications = c.unwrap(PGConnection.class).getNotifications(5000);
        t.add("notifications", notifications == null ? 0 : notifications.length);
        t.add("name and payload", notifications[0].getName() + ":" + notifications[0].getParameter());
        try (Statement s = c.createStatement()) {
            s.execute("UNLISTEN *");
        }
    }

    static void warnings(Connection c, JdbcTrace t) throws Exception {
        try (Statement s = c.createStatement()) {
            s.execute("DO $$ BEGIN RAISE NOTICE 'first notice'; RAISE WARNING 'a warning'; END $$");
            java.sql.SQLWarning w = s.getWarnings();
            while (w != null) {
                t.add("warning", w.getSQLState() + " " + w.getMessage());
                w = w.getNextWarning();
            }
            s.clearWarnings();
            t.add("cleared", s.getWarnings());
        }
        t.add("connection warnings", c.getWarnings());
    }

    static void queryTimeout(Connection c, JdbcTrace t) throws Exception {
        try (Statement s = c.createStatement()) {
            s.setQueryTimeout(1);
            t.add("timeout", s.getQueryTimeout());
            t.attempt("cancelled by timeout", () -> s.execute("SELECT pg_sleep(5)"));
            t.add("usable after cancel", s.execute("SELECT 1"));
        }
    }
}
