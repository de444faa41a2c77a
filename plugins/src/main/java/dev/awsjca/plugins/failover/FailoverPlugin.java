package dev.awsjca.plugins.failover;

import dev.awsjca.jdbc.Connections;
import dev.awsjca.jdbc.ConnectionWrapper;
import dev.awsjca.jdbc.FailoverFailedSQLException;
import dev.awsjca.jdbc.FailoverSuccessSQLException;
import dev.awsjca.jdbc.SqlFailures;
import dev.awsjca.jdbc.StaleObjectSQLException;
import dev.awsjca.jdbc.TransactionStateUnknownSQLException;
import dev.awsjca.jdbc.WrapperSupport;
import dev.awsjca.pipeline.ConnectChain;
import dev.awsjca.pipeline.ConnectRequest;
import dev.awsjca.pipeline.ConnectionPlugin;
import dev.awsjca.pipeline.HostConnection;
import dev.awsjca.pipeline.JdbcCall;
import dev.awsjca.pipeline.JdbcChain;
import dev.awsjca.pipeline.JdbcMethod;
import dev.awsjca.pipeline.JdbcMethods;
import dev.awsjca.pipeline.PluginContext;
import dev.awsjca.pipeline.SessionState;
import dev.awsjca.plugins.readwritesplitting.ReadWriteSplittingPluginFactory;
import dev.awsjca.plugins.sql.SessionSql;
import dev.awsjca.topology.ClusterMonitor;
import dev.awsjca.topology.HostRole;
import dev.awsjca.topology.HostSpec;
import dev.awsjca.topology.Topology;

import java.lang.System.Logger.Level;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.SQLNonTransientConnectionException;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Moves a connection to the new writer (or a reader, by mode) when its node is lost, and tells the
 * application exactly what became of the work in flight: 08S02 only when it provably did not take effect,
 * 08007 when a transaction was lost or a write's outcome is unknown, and a commit's real outcome when
 * the new writer can tell.
 */
final class FailoverPlugin implements ConnectionPlugin {

    private static final System.Logger LOG = System.getLogger(FailoverPlugin.class.getName());

    /** The cluster monitor's own connections give up fast: they must never hang a failover. */
    static final Map<String, String> PROBE_PROPERTIES = Map.of("connectTimeout", "2", "socketTimeout", "3",
            "loginTimeout", "3", "ApplicationName", "aws-advanced-jca topology monitor");

    private final PluginContext context;
    private final FailoverSettings settings;
    private final SessionState session; // one per logical connection (the context's); guarded by itself
    // parameters the application sets with SQL (SET search_path ...), carried to the new writer; null when
    // read/write splitting records them, with its own account of which physical connection has them
    private final SessionSql sessionSql;
    // One failover at a time per connection: Statement.cancel(), a transaction reaper's rollback and the
    // application's own call can all fail on the same dead socket from different threads.
    private final ReentrantLock moving = new ReentrantLock();
    private volatile ClusterMonitor monitor;
    private volatile boolean stale;
    private volatile boolean closedByApplication;
    private volatile boolean failedForGood;
    private final LocalTransaction transaction = new LocalTransaction();

    FailoverPlugin(PluginContext context, FailoverSettings settings) {
        this.context = context;
        this.settings = settings;
        this.session = context.session();
        this.sessionSql = context.config().pluginCodes().contains(ReadWriteSplittingPluginFactory.CODE) ? null : new SessionSql();
    }

    @Override
    public Set<JdbcMethod> subscribedMethods() {
        return JdbcMethods.ALL;
    }

    // ---- connect: join the cluster, and land where the mode says (Placement)

    @Override
    public HostConnection connect(ConnectRequest request, ConnectChain next) throws SQLException {
        if (!request.initial()) {
            return next.connect(request);
        }
        return new Placement(context, settings, this, m -> monitor = m).connect(request, next);
    }

    @Override
    public void release() {
        ClusterMonitor m = monitor;
        if (m != null) {
            m.removeMember(this);
        }
    }

    @Override
    public void topologyChanged(Topology topology) {
        HostSpec here = context.currentHost();
        if (settings.mode() == FailoverMode.STRICT_WRITER && here != null && topology.writer().isPresent()
                && !topology.writer().get().endpoint().equals(here.endpoint())
                && !(session.readOnly() && here.role() == HostRole.READER)) { // read/write splitting put it there
            stale = true; // the next use moves, instead of waiting for this node's timeout
        }
    }

    // ---- calls

    @Override
    public <T> T execute(JdbcCall<T> call, JdbcChain next) throws SQLException {
        JdbcMethod method = call.method();
        if (method == JdbcMethod.CONNECTION_CLOSE || method == JdbcMethod.CONNECTION_ABORT) {
            closedByApplication = true;
            return next.proceed(call);
        }
        if (closedByApplication || failedForGood || method == JdbcMethod.STATEMENT_CANCEL) {
            // closed: pgjdbc says so, nothing reopens it. cancel() runs on a connection of its own, from
            // another thread: its failure says nothing of this session, and must not start a failover.
            return next.proceed(call);
        }
        boolean inTransaction = !autoCommit();
        Connection ranOn = context.currentConnection();
        if (stale && onCurrentConnection(call) && sendsToServer(call)) {
            if (inTransaction) {
                SQLException outcome = failOver(call, null, true, ranOn); // the transaction is on the old writer: lost
                if (outcome == null) {
                    return null;
                }
                throw outcome;
            }
            if (call.wrapper() instanceof ConnectionWrapper) {
                moveQuietly(ranOn); // nothing sent yet: move, then run the call on the new writer
                ranOn = context.currentConnection();
            } else {
                throw failOver(call, null, false, ranOn); // a statement of the old session: 08S02, re-run it
            }
        }
        if (method == JdbcMethod.CONNECTION_COMMIT && inTransaction) {
            SQLException notSent = learnWhetherWritten(call, ranOn);
            if (notSent != null) {
                throw notSent;
            }
        }
        try {
            T result = next.proceed(call);
            afterSuccess(call, inTransaction);
            return result;
        } catch (SQLException e) {
            if (!onCurrentConnection(call)) {
                throw staleObject(e);
            }
            if (!needsFailover(e)) {
                throw e;
            }
            SQLException outcome = failOver(call, e, inTransaction, ranOn);
            if (outcome == null) {
                return null; // commit resolved as committed, or a rollback of a transaction that died anyway
            }
            throw outcome;
        }
    }

    private boolean readOnly() {
        synchronized (session) {
            return session.readOnly();
        }
    }

    private boolean autoCommit() {
        synchronized (session) {
            return session.autoCommit();
        }
    }

    private void afterSuccess(JdbcCall<?> call, boolean inTransaction) {
        JdbcMethod m = call.method();
        if (SessionState.isSetter(m)) {
            synchronized (session) {
                session.record(call);
            }
            if (m == JdbcMethod.CONNECTION_SET_AUTO_COMMIT) {
                transaction.ended();
            }
        } else if (m == JdbcMethod.CONNECTION_COMMIT || m == JdbcMethod.CONNECTION_ROLLBACK) {
            transaction.ended();
            if (sessionSql != null && m == JdbcMethod.CONNECTION_COMMIT) {
                synchronized (session) {
                    sessionSql.commit(session);
                }
            } else if (sessionSql != null && call.args().length == 0) { // rollback(Savepoint) ends nothing
                synchronized (session) {
                    sessionSql.rollback();
                }
            }
        } else if (StatementKind.runsSql(m)) {
            if (inTransaction) {
                transaction.executed();
            }
            String sql = call.sql();
            if (sessionSql != null && sql != null) {
                synchronized (session) {
                    sessionSql.executed(sql, session, !inTransaction);
                }
            }
        }
    }

    /**
     * Just before a local transaction's commit, asks the database whether it wrote (its transaction id, or
     * null): the text of its statements cannot tell ({@code SELECT f()} may write). The adapter's one extra
     * round trip, once per local transaction that ran a statement; with the id, a commit whose reply is
     * lost is answered from the new writer instead of "unknown". An XA branch is settled by its
     * transaction manager (prepared branches survive). Returns the exception to throw when the connection
     * was lost before the commit was sent (a failover happened), else null.
     */
    private SQLException learnWhetherWritten(JdbcCall<?> call, Connection ranOn) throws SQLException {
        if (!transaction.txidWanted() || context.isGlobalTransactionBranch()) {
            return null;
        }
        Long id;
        try {
            id = LocalTransaction.currentTxid(ranOn);
        } catch (SQLException e) {
            if (!SqlFailures.isConnectionFailure(e) || !onCurrentConnection(call)) {
                return null; // the commit itself will say what is wrong; its outcome stays "unknown" if lost
            }
            return failOver(call, null, true, ranOn); // the commit was never sent: the transaction did not commit
        }
        transaction.txid(id);
        return null;
    }

    private static boolean sendsToServer(JdbcCall<?> call) {
        return call.wrapper() instanceof ConnectionWrapper || call.method().methodName().startsWith("execute");
    }

    private boolean onCurrentConnection(JdbcCall<?> call) {
        return !(call.wrapper() instanceof WrapperSupport w) || w.physicalConnection() == context.currentConnection();
    }

    private boolean needsFailover(SQLException e) throws SQLException {
        if (e instanceof FailoverSuccessSQLException) {
            return false; // a plugin after this one already moved the connection (read/write splitting, a lost reader)
        }
        if (SqlFailures.isConnectionFailure(e)) {
            return true;
        }
        // a writer demoted under us answers writes with 25006; the application's own read-only does too
        if (!SqlFailures.isReadOnlyViolation(e) || settings.mode() != FailoverMode.STRICT_WRITER || readOnly()) {
            return false;
        }
        try {
            return !monitor.dialect().isWriter(context.currentConnection());
        } catch (SQLException aborted) {
            // the failed write aborted the transaction (25P02): the node cannot be asked; the topology can
            HostSpec writer = monitor.topology().writer().orElse(null);
            return writer == null || !writer.endpoint().equals(context.currentHost().endpoint());
        }
    }

    /** Not class 08: the connection works on its new host, only this object is gone (the pool must keep it). */
    private SQLException staleObject(SQLException cause) {
        return new StaleObjectSQLException("This object belongs to the connection's session on a host"
                + " it has left after a failover (now on " + context.currentHost().endpoint() + "): create a new statement",
                cause);
    }

    // ---- failover

    /**
     * Moves the connection and says what the application must know: null when the call's outcome is
     * settled (a resolved commit, a rollback), else the exception to throw.
     */
    private SQLException failOver(JdbcCall<?> call, SQLException cause, boolean inTransaction, Connection ranOn)
            throws SQLException {
        HostSpec from;
        String where;
        LocalTransaction.Known known;
        moving.lock();
        try {
            known = transaction.known();
            from = context.currentHost();
            boolean movedMeanwhile = context.currentConnection() != ranOn; // by another thread's failover
            SQLException failed = failedForGood ? failedForGood(from, cause, null) : null;
            if (failed == null && !movedMeanwhile) {
                failed = move(cause, System.nanoTime(), from);
            }
            if (failed != null) {
                return failed;
            }
            where = "failed over " + (movedMeanwhile ? "" : "from " + from.endpoint() + " ") + "to "
                    + context.currentHost().endpoint();
        } finally {
            moving.unlock();
        }
        JdbcMethod m = call.method();
        if (m == JdbcMethod.CONNECTION_COMMIT) {
            return transaction.commitOutcome(where, known, cause, context.currentConnection());
        }
        if (m == JdbcMethod.CONNECTION_ROLLBACK) {
            transaction.ended();
            return null; // the transaction died with its node: rolled back either way
        }
        transaction.ended();
        if (inTransaction) {
            return new TransactionStateUnknownSQLException("The connection " + where + " during a transaction, which is lost:"
                    + " restart the transaction", cause);
        }
        // a replica in recovery writes nothing, whatever ran; unless it has been promoted since it was joined
        boolean ranOnAStandby = from.role() == HostRole.READER && monitor.topology().writer()
                .map(w -> !w.endpoint().equals(from.endpoint())).orElse(false);
        if (cause == null || SqlFailures.isReadOnlyViolation(cause) || !StatementKind.runsSql(call.method())
                || ranOnAStandby) {
            // never sent, refused by a demoted writer, no statement of the application, or run on a reader: it
            // did not take effect. A statement in flight on a writer may have written whatever its text says
            // (SELECT f() can): 08007
            return new FailoverSuccessSQLException("The connection " + where + "; the statement did not take effect:"
                    + " run it again (on a new statement)", cause);
        }
        return new TransactionStateUnknownSQLException("The connection " + where + " while a write was in flight; whether"
                + " it took effect is unknown: check before running it again", cause);
    }

    private void moveQuietly(Connection ranOn) throws SQLException {
        moving.lock();
        try {
            HostSpec from = context.currentHost();
            SQLException failed = failedForGood ? failedForGood(from, null, null) : null;
            if (failed == null && stale && context.currentConnection() == ranOn) {
                failed = move(null, System.nanoTime(), from);
            }
            if (failed != null) {
                throw failed;
            }
        } finally {
            moving.unlock();
        }
    }

    private SQLException failedForGood(HostSpec from, SQLException cause, Exception lastAttempt) {
        failedForGood = true;
        String why = lastAttempt instanceof SQLException sql && SqlFailures.isLoginRefused(sql)
                ? " stopped: the database refused the login (" + sql.getSQLState() + " " + sql.getMessage() + ")"
                : " found no " + (settings.mode() == FailoverMode.STRICT_WRITER ? "writer" : "host") + " it could use within"
                        + " failoverTimeoutMs=" + settings.timeoutMs();
        SQLException e = new FailoverFailedSQLException("Failover of the connection to " + from.endpoint() + why
                + "; the connection is closed", cause);
        if (lastAttempt != null) {
            e.addSuppressed(lastAttempt);
        }
        return e;
    }

    /**
     * Finds the target, connects, checks its role, sets the session up ({@link NextHost}), switches: the
     * connection ends on a checked, configured physical connection, or on none (null returned, else the 08001
     * to report). Runs under {@link #moving}.
     */
    private SQLException move(SQLException cause, long start, HostSpec failed) throws SQLException {
        Connection old = context.currentConnection();
        NextHost.Outcome next = new NextHost(context, settings, monitor)
                .find(failed, start + TimeUnit.MILLISECONDS.toNanos(settings.timeoutMs()));
        long ms = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
        Connection fresh = next.connection();
        if (fresh == null) {
            Connections.abortQuietly(old);
            context.metrics().failover(monitor.key(), System.nanoTime() - start, false, cause);
            Exception lastAttempt = next.lastAttempt();
            LOG.log(Level.WARNING, "failover from {0} failed after {1} ms: {2}; last attempt: {3}", failed.endpoint(), ms,
                    cause == null ? "moved by topology" : cause.getSQLState() + " " + cause.getMessage(),
                    lastAttempt instanceof SQLException sql ? sql.getSQLState() + " " + sql.getMessage()
                            : lastAttempt == null ? "none" : lastAttempt.toString());
            return failedForGood(failed, cause, lastAttempt);
        }
        if (closedByApplication) { // closed by another thread while this one moved it: nothing may stay open
            Connections.abortQuietly(fresh);
            return new SQLNonTransientConnectionException("The connection was closed during its failover", "08003", cause);
        }
        context.switchConnection(fresh, next.target());
        stale = false;
        Connections.abortQuietly(old);
        context.metrics().failover(monitor.key(), System.nanoTime() - start, true, cause);
        long foundMs = TimeUnit.NANOSECONDS.toMillis(next.foundAtNanos() - start);
        LOG.log(Level.INFO, "failover from {0} to {1} in {2} ms (target found after {3} ms, connected after {4} ms); cause: {5}",
                failed.endpoint(), next.target().endpoint(), ms, foundMs, ms - foundMs,
                cause == null ? "topology changed" : cause.getSQLState());
        return null;
    }
}
