package dev.awsjca.plugins.readwritesplitting;

import dev.awsjca.jdbc.Connections;
import dev.awsjca.jdbc.FailoverSuccessSQLException;
import dev.awsjca.jdbc.SqlFailures;
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
import dev.awsjca.topology.HostSpec;

import java.lang.System.Logger.Level;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.Set;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Read/write splitting for one logical connection: it may hold a writer and a reader physical connection
 * at once and moves between them only while no transaction is open (never inside a local transaction or
 * an XA branch). With {@code readWriteSplittingMode=readOnlyFlag} {@code setReadOnly(true)} moves the
 * logical connection to a reader and {@code setReadOnly(false)} back; with {@code sql} the connection
 * stays on the writer and queries that are surely read-only run on the reader (see {@link SqlRouting}).
 *
 * <p>Moving uses the pipeline's one switch ({@link PluginContext#switchConnection}) and the logical
 * connection's one session record, so the failover and host monitoring plugins follow the connection to
 * the reader: a reader lost under a read is left for another reader or the writer, the read gets 08S02.
 */
final class ReadWriteSplittingPlugin implements ConnectionPlugin {

    private static final System.Logger LOG = System.getLogger(ReadWriteSplittingPlugin.class.getName());

    private static final Set<JdbcMethod> FLAG_MODE = JdbcMethods.matching("Connection.*", "*.execute*");
    private static final Set<JdbcMethod> SQL_MODE = JdbcMethods.matching("Connection.*", "*.execute*",
            "PreparedStatement.set*", "PreparedStatement.clearParameters", "Statement.close");

    private final PluginContext context;
    private final SplittingSettings settings;
    private final SessionState session;
    private final ReentrantLock lock = new ReentrantLock();
    private final SessionSync sync = new SessionSync();
    private final SqlRouting sqlRouting;
    private final ReadAfterWrite readAfterWrite;
    private final SessionRecorder recorder;

    // guarded by lock
    private final ReaderConnection reader; // the reader connection, current or parked
    private final ParkedWriter writer; // the writer connection while the logical connection is on the reader
    private boolean onReader;
    private boolean switching;
    private boolean writerReadOnly; // setReadOnly(true) reached the writer: no reader was usable
    private volatile boolean released;

    ReadWriteSplittingPlugin(PluginContext context, SplittingSettings settings) {
        this.context = context;
        this.settings = settings;
        this.session = context.session();
        this.sqlRouting = settings.sqlMode() ? new SqlRouting(this) : null;
        this.readAfterWrite = new ReadAfterWrite(settings);
        this.recorder = new SessionRecorder(context, session, sync, readAfterWrite);
        this.reader = new ReaderConnection(this, context, settings, sync);
        this.writer = new ParkedWriter(context, settings, session, sync);
    }

    @Override
    public Set<JdbcMethod> subscribedMethods() {
        return settings.sqlMode() ? SQL_MODE : FLAG_MODE;
    }

    @Override
    public HostConnection connect(ConnectRequest request, ConnectChain next) throws SQLException {
        // with readOnlyMode=always a writer that serves read-only work (no reader usable) refuses writes
        // in autocommit too, as a reader would (25006); a transaction-only read-only would let them through
        if (request.property("readOnlyMode") == null) {
            request = request.withProperty("readOnlyMode", "always");
        }
        HostConnection first = next.connect(request);
        if (!request.initial() || !settings.readerRole()) {
            return first;
        }
        // a reader definition's connection: on a reader from the start (the failover plugin, before this one,
        // has joined the cluster); placed at the first call instead when this plugin comes first
        lock.lock();
        try {
            if (context.cluster() != null) {
                Connection r = reader.connection();
                if (r != null) {
                    sync.apply(r, session, true);
                    onReader = true;
                    Connections.abortQuietly(first.connection());
                    return new HostConnection(r, reader.host());
                }
            }
            first.connection().setReadOnly(true); // the writer stands in, read-only
            writerReadOnly = true;
            return first;
        } catch (SQLException | RuntimeException e) {
            Connections.abortQuietly(first.connection());
            reader.drop();
            throw e;
        } finally {
            lock.unlock();
        }
    }

    /** The application's work is read-only: it set the flag, or the definition is a reader one. */
    private boolean wantsReader() {
        return settings.readerRole() || session.readOnly();
    }

    // ---- calls

    @Override
    public <T> T execute(JdbcCall<T> call, JdbcChain next) throws SQLException {
        JdbcMethod m = call.method();
        if (m == JdbcMethod.CONNECTION_CLOSE || m == JdbcMethod.CONNECTION_ABORT || released) {
            return next.proceed(call);
        }
        lock.lock();
        try {
            reader.used();
            if (m == JdbcMethod.CONNECTION_SET_READ_ONLY && (!settings.sqlMode() || settings.readerRole())) {
                setReadOnly(call, (Boolean) call.args()[0]);
                return null;
            }
            if (sqlRouting != null) {
                sqlRouting.observe(call);
                if (sqlRouting.wantsReader(call)) {
                    @SuppressWarnings("unchecked")
                    T rs = (T) sqlRouting.runOnReader(call);
                    if (rs != null) {
                        return rs;
                    }
                }
            }
            if ((settings.readerRole() || !settings.sqlMode()) && wantsReader() && !onReader && isExecute(m)
                    && !context.isGlobalTransactionBranch() && idle()) {
                toReaderQuietly(); // back on a reader once one is usable again (after a fallback or a reader loss)
            }
            T result;
            try {
                result = next.proceed(call);
            } catch (SQLException e) {
                if (settings.readerRole() && SqlFailures.isReadOnlyViolation(e)) {
                    throw new SQLException("This connection comes from a reader connection definition (role=reader,"
                            + " " + context.config().hosts() + "), which is read-only: write through the writer"
                            + " definition. " + e.getMessage(), "25006", e);
                }
                throw e;
            }
            recorder.succeeded(call, onReader);
            return result;
        } catch (SQLException e) {
            recorder.failed(m);
            throw e;
        } finally {
            lock.unlock();
        }
    }

    static boolean isExecute(JdbcMethod m) {
        return m.methodName().startsWith("execute");
    }

    // ---- readOnlyFlag mode

    private void setReadOnly(JdbcCall<?> call, boolean readOnly) throws SQLException {
        if (settings.readerRole()) {
            session.record(call); // a reader definition's connections stay read-only, whatever the flag says
            return;
        }
        if (context.isGlobalTransactionBranch() || !idle()) {
            if (onReader && !readOnly) {
                throw new SQLException("Cannot change transaction read-only property in the middle of a transaction:"
                        + " the transaction runs on reader " + reader.host().endpoint() + "; end it first", "25001");
            }
            context.currentConnection().setReadOnly(readOnly); // pgjdbc says what it says (25001 in a transaction)
            session.record(call);
            return;
        }
        session.record(call);
        if (readOnly) {
            if (!toReader()) {
                Connection here = context.currentConnection();
                here.setReadOnly(true); // no reader usable: read-only on the writer (readerFallback=writer)
                writerReadOnly = true;
                sync.synced(here, session);
            }
        } else {
            toWriter();
        }
    }

    /** True when no transaction is open on the current physical connection. */
    boolean idle() throws SQLException {
        return Transactions.idle(context.currentConnection());
    }

    private void toReaderQuietly() {
        try {
            toReader();
        } catch (SQLException e) {
            LOG.log(Level.DEBUG, "still no reader: {0}", e.getMessage());
        }
    }

    /**
     * Makes a reader connection current. False when none is usable and {@code readerFallback=writer}; with
     * {@code fail}, 08001.
     */
    private boolean toReader() throws SQLException {
        if (onReader) {
            return true;
        }
        Connection here = context.currentConnection();
        Connection r = reader.connection();
        if (r == null) {
            return false;
        }
        if (!readAfterWrite.replayed(r, reader.host())) {
            return false; // the reader has not replayed this connection's last commit in time: the writer serves
        }
        writer.park(here, context.currentHost());
        sync.apply(r, session, true);
        switchTo(r, reader.host());
        onReader = true;
        return true;
    }

    /** Makes the writer connection current again, reconnecting when the writer changed meanwhile. */
    private void toWriter() throws SQLException {
        if (!onReader) {
            if (writerReadOnly) {
                context.currentConnection().setReadOnly(false);
                writerReadOnly = false;
                sync.synced(context.currentConnection(), session);
            }
            return;
        }
        HostConnection w = writer.reclaim();
        if (writerReadOnly) {
            w.connection().setReadOnly(false); // it stood in for a reader before one was usable
            writerReadOnly = false;
        }
        writer.forget();
        onReader = false;
        switchTo(w.connection(), w.host());
    }

    private void switchTo(Connection c, HostSpec host) {
        switching = true;
        try {
            context.switchConnection(c, host);
        } finally {
            switching = false;
        }
    }

    // ---- what SqlRouting works with

    ReaderConnection reader() {
        return reader;
    }

    SessionSync sync() {
        return sync;
    }

    SessionState session() {
        return session;
    }

    PluginContext context() {
        return context;
    }

    ReadAfterWrite readAfterWrite() {
        return readAfterWrite;
    }

    // ---- the cluster's probe thread

    /**
     * Closes the parked reader connection after readerIdleTimeoutMs (called by the cluster's probe thread,
     * which skips a connection busy with a call rather than wait for it).
     */
    void closeIfIdle(long nowNanos) {
        if (settings.readerIdleTimeoutMs() <= 0 || !lock.tryLock()) {
            return;
        }
        try {
            if (!onReader) {
                reader.closeIfIdle(nowNanos);
            }
        } finally {
            lock.unlock();
        }
    }

    // ---- the failover plugin moved the logical connection

    @Override
    public void connectionChanged(HostSpec newHost) {
        if (switching) {
            return;
        }
        lock.lock();
        try {
            if (onReader) {
                // the reader we were on was lost and failover moved us (to the writer, or another reader):
                // the old reader is gone, and the parked writer connection is not needed any more
                reader.lostWhileCurrent();
                writer.abandon();
                onReader = false;
            }
            writerReadOnly = session.readOnly();
            if (settings.readerRole()) {
                try {
                    context.currentConnection().setReadOnly(true); // a reader definition's stand-in stays read-only
                    writerReadOnly = true;
                } catch (SQLException e) {
                    LOG.log(Level.DEBUG, "could not set the new connection read-only: {0}", e.getMessage());
                }
            }
            sync.synced(context.currentConnection(), session); // failover applied the session to it
        } finally {
            lock.unlock();
        }
    }

    @Override
    public void release() {
        released = true;
        lock.lock();
        try {
            if (onReader) {
                writer.close(); // the pipeline closes the current connection, the reader
            }
            reader.release(onReader);
        } finally {
            lock.unlock();
        }
    }

    /** Closes politely, and aborts when that fails: for the reader and parked writer connections at release. */
    static void closeQuietly(Connection c) {
        if (c != null) {
            try {
                c.close();
            } catch (SQLException | RuntimeException e) {
                Connections.abortQuietly(c);
            }
        }
    }

    /** A reader lost under a read: the read did not take effect, and the connection works on. */
    static SQLException readLost(HostSpec host, SQLException cause) {
        return new FailoverSuccessSQLException("The reader " + (host == null ? "" : host.endpoint() + " ")
                + "was lost during a read, which did not take effect: run it again (the connection moved on)", cause);
    }
}
