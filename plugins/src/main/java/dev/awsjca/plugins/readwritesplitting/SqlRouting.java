package dev.awsjca.plugins.readwritesplitting;

import dev.awsjca.plugins.sql.Route;

import dev.awsjca.jdbc.SqlFailures;
import dev.awsjca.pipeline.JdbcCall;
import dev.awsjca.pipeline.JdbcChain;
import dev.awsjca.pipeline.JdbcMethod;
import dev.awsjca.topology.HostSpec;

import java.io.InputStream;
import java.io.Reader;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.sql.CallableStatement;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.WeakHashMap;

/**
 * {@code readWriteSplittingMode=sql}: the logical connection stays on the writer (its statements are made
 * there), and a query that is surely read-only, run in autocommit with no transaction open, is run on the
 * reader connection instead: a {@code Statement.executeQuery(sql)} on a statement of the reader, a
 * {@code PreparedStatement.executeQuery()} on the reader's copy of the prepared statement with the same
 * parameters. The result set is the reader's. Everything else runs where it was made: on the writer.
 * A reader that refuses the query as a write (25006) has done nothing: the query runs on the writer.
 */
final class SqlRouting {

    private static final Method[] PREPARED_METHODS = PreparedStatement.class.getMethods();

    private final ReadWriteSplittingPlugin plugin;
    // the parameters set on each prepared statement of the application, to set them on the reader's copy
    private final Map<Object, Parameters> parameters = new WeakHashMap<>();
    private long rerunOnWriter;

    SqlRouting(ReadWriteSplittingPlugin plugin) {
        this.plugin = plugin;
    }

    private static final class Parameters {
        final Map<Integer, JdbcCall<?>> byIndex = new LinkedHashMap<>();
        boolean replayable = true;
        PreparedStatement onReader;
        Connection readerConnection;
    }

    /** Records what the reader's copies need; call before the call runs. */
    void observe(JdbcCall<?> call) {
        JdbcMethod m = call.method();
        if (call.wrapper() instanceof CallableStatement) {
            return;
        }
        if (m == JdbcMethod.STATEMENT_CLOSE) {
            Parameters p = parameters.remove(call.wrapper());
            if (p != null) {
                closeQuietly(p.onReader);
            }
        } else if (m == JdbcMethod.PREPARED_STATEMENT_CLEAR_PARAMETERS) {
            Parameters p = parameters.get(call.wrapper());
            if (p != null) {
                p.byIndex.clear();
                p.replayable = true;
            }
        } else if (m.interfaceName().equals("PreparedStatement") && m.methodName().startsWith("set")
                && call.args().length > 0 && call.args()[0] instanceof Integer index) {
            Parameters p = parameters.computeIfAbsent(call.wrapper(), k -> new Parameters());
            p.byIndex.put(index, call);
            for (Object a : call.args()) {
                if (a instanceof InputStream || a instanceof Reader || a instanceof java.sql.Blob || a instanceof java.sql.Clob) {
                    p.replayable = false; // read once: it cannot be set twice
                }
            }
        }
    }

    /** True when the call is a query that may run on a reader now. */
    boolean wantsReader(JdbcCall<?> call) throws SQLException {
        JdbcMethod m = call.method();
        if (m != JdbcMethod.STATEMENT_EXECUTE_QUERY && m != JdbcMethod.PREPARED_STATEMENT_EXECUTE_QUERY) {
            return false;
        }
        if (call.wrapper() instanceof CallableStatement || !plugin.session().autoCommit()
                || plugin.context().isGlobalTransactionBranch() || !plugin.idle()) {
            return false;
        }
        if (m == JdbcMethod.PREPARED_STATEMENT_EXECUTE_QUERY) {
            Parameters p = parameters.get(call.wrapper());
            if (p != null && !p.replayable) {
                return false;
            }
        }
        return SqlClassifier.classify(call.sql()) == Route.READER;
    }

    /** Runs the query on the reader; null when it must run on the writer instead (no reader, 25006). */
    ResultSet runOnReader(JdbcCall<?> call) throws SQLException {
        Connection reader = plugin.reader().connection();
        if (reader == null) {
            return null; // readerFallback=writer
        }
        HostSpec host = plugin.reader().host();
        Statement made = null;
        try {
            if (!plugin.readAfterWrite().replayed(reader, host)) {
                return null;
            }
            plugin.sync().apply(reader, plugin.session(), true);
            Statement app = (Statement) call.wrapper();
            if (call.method() == JdbcMethod.STATEMENT_EXECUTE_QUERY) {
                made = reader.createStatement(app.getResultSetType(), app.getResultSetConcurrency(), app.getResultSetHoldability());
                configure(made, app);
                made.closeOnCompletion();
                ResultSet rs = made.executeQuery((String) call.args()[0]);
                made = null;
                return rs;
            }
            PreparedStatement ps = prepared(call, reader, app);
            return ps.executeQuery();
        } catch (SQLException e) {
            closeQuietly(made);
            if (SqlFailures.isReadOnlyViolation(e)) {
                rerunOnWriter++;
                return null; // the reader refused it as a write before doing anything
            }
            if (SqlFailures.isConnectionFailure(e)) {
                plugin.reader().lost(host);
                throw ReadWriteSplittingPlugin.readLost(host, e);
            }
            throw e;
        }
    }

    /** Queries a reader refused as writes (25006) and that ran on the writer, for this connection. */
    long rerunOnWriter() {
        return rerunOnWriter;
    }

    private PreparedStatement prepared(JdbcCall<?> call, Connection reader, Statement app) throws SQLException {
        Parameters p = parameters.computeIfAbsent(call.wrapper(), k -> new Parameters());
        if (p.onReader == null || p.readerConnection != reader || p.onReader.isClosed()) {
            closeQuietly(p.onReader);
            p.onReader = reader.prepareStatement(call.sql(), app.getResultSetType(), app.getResultSetConcurrency(),
                    app.getResultSetHoldability());
            p.readerConnection = reader;
        }
        configure(p.onReader, app);
        p.onReader.clearParameters();
        for (JdbcCall<?> set : p.byIndex.values()) {
            replay(p.onReader, set);
        }
        return p.onReader;
    }

    private static void configure(Statement target, Statement app) throws SQLException {
        target.setFetchSize(app.getFetchSize());
        target.setMaxRows(app.getMaxRows());
        target.setQueryTimeout(app.getQueryTimeout());
    }

    private static void replay(PreparedStatement target, JdbcCall<?> set) throws SQLException {
        Object[] args = set.args();
        Method best = null;
        for (Method m : PREPARED_METHODS) {
            if (m.getName().equals(set.method().methodName()) && m.getParameterCount() == args.length && accepts(m, args)) {
                if (best == null || exact(m, args)) {
                    best = m;
                }
            }
        }
        if (best == null) {
            throw new SQLException("cannot set parameter " + args[0] + " on the reader's statement: no "
                    + set.method().methodName() + " for " + Arrays.toString(types(args)), "HY000");
        }
        try {
            best.invoke(target, args);
        } catch (InvocationTargetException e) {
            if (e.getCause() instanceof SQLException sql) {
                throw sql;
            }
            throw new SQLException("setting a parameter on the reader's statement failed", "HY000", e.getCause());
        } catch (IllegalAccessException e) {
            throw new SQLException("setting a parameter on the reader's statement failed", "HY000", e);
        }
    }

    private static boolean accepts(Method m, Object[] args) {
        Class<?>[] types = m.getParameterTypes();
        for (int i = 0; i < types.length; i++) {
            if (args[i] != null && !box(types[i]).isInstance(args[i])) {
                return false;
            }
            if (args[i] == null && types[i].isPrimitive()) {
                return false;
            }
        }
        return true;
    }

    private static boolean exact(Method m, Object[] args) {
        Class<?>[] types = m.getParameterTypes();
        for (int i = 0; i < types.length; i++) {
            if (args[i] != null && box(types[i]) != args[i].getClass()) {
                return false;
            }
        }
        return true;
    }

    private static Class<?>[] types(Object[] args) {
        return Arrays.stream(args).map(a -> a == null ? null : a.getClass()).toArray(Class<?>[]::new);
    }

    private static Class<?> box(Class<?> c) {
        if (!c.isPrimitive()) {
            return c;
        }
        return switch (c.getName()) {
            case "int" -> Integer.class;
            case "long" -> Long.class;
            case "boolean" -> Boolean.class;
            case "double" -> Double.class;
            case "float" -> Float.class;
            case "short" -> Short.class;
            case "byte" -> Byte.class;
            case "char" -> Character.class;
            default -> c;
        };
    }

    private static void closeQuietly(Statement s) {
        if (s != null) {
            try {
                s.close();
            } catch (SQLException ignored) {
                // the reader's copy: nothing to tell
            }
        }
    }
}
