package dev.awsjca.ra;

import dev.awsjca.jdbc.ConnectionWrapper;
import dev.awsjca.jdbc.FailoverSuccessSQLException;
import dev.awsjca.jdbc.SqlFailures;
import dev.awsjca.jdbc.TransactionStateUnknownSQLException;
import dev.awsjca.topology.ClusterMonitor;
import dev.awsjca.topology.HostSpec;
import jakarta.resource.ResourceException;
import jakarta.resource.spi.ConnectionEvent;
import jakarta.resource.spi.ConnectionEventListener;
import jakarta.resource.spi.ConnectionRequestInfo;
import jakarta.resource.spi.IllegalStateException;
import jakarta.resource.spi.LocalTransaction;
import jakarta.resource.spi.ManagedConnection;
import jakarta.resource.spi.ManagedConnectionMetaData;
import jakarta.resource.spi.SecurityException;
import org.postgresql.core.BaseConnection;
import org.postgresql.core.TransactionState;

import javax.security.auth.Subject;
import javax.transaction.xa.XAException;
import javax.transaction.xa.XAResource;
import java.io.PrintWriter;
import java.lang.System.Logger.Level;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * One pooled connection: a logical connection running the plugin pipeline ({@link ConnectionWrapper}),
 * the handles components hold on it, its transaction state, and the events the container listens to.
 * XA work runs on the same database session as JDBC work, through the same pipeline ({@link AwsXAResource}).
 */
final class AwsManagedConnection implements ManagedConnection {

    private static final System.Logger LOG = System.getLogger(AwsManagedConnection.class.getName());
    private static final int VALIDATION_TIMEOUT_MS = 5_000;

    /** Who runs the transaction on this connection now. */
    enum Transaction { NONE, CONTAINER_LOCAL, APPLICATION_LOCAL, XA }

    private final AwsManagedConnectionFactory factory;
    private final Credentials credentials;
    private final List<ConnectionEventListener> listeners = new CopyOnWriteArrayList<>();
    private final Set<ConnectionHandle> handles = ConcurrentHashMap.newKeySet();
    private final Map<SessionSetting, Object> originalSession = new EnumMap<>(SessionSetting.class);
    private final AwsLocalTransaction localTransaction = new AwsLocalTransaction(this);
    private final AwsXAResource xaResource = new AwsXAResource(this);
    private volatile ConnectionWrapper logical;
    private volatile Transaction transaction = Transaction.NONE;
    private volatile boolean broken;
    private volatile boolean destroyed;
    private PrintWriter logWriter;

    /** @param logical the connection, or null to connect on first use (made while the adapter was not running) */
    AwsManagedConnection(AwsManagedConnectionFactory factory, Credentials credentials, ConnectionWrapper logical) {
        this.factory = factory;
        this.credentials = credentials;
        this.logical = logical;
    }

    AwsManagedConnectionFactory factory() {
        return factory;
    }

    Credentials credentials() {
        return credentials;
    }

    ConnectionWrapper logicalConnection() {
        return logical;
    }

    boolean isBroken() {
        return broken || destroyed;
    }

    Transaction transaction() {
        return transaction;
    }

    void transaction(Transaction t) {
        transaction = t;
    }

    String describe() {
        ConnectionWrapper c = logical;
        return (c == null ? "(not connected yet)" : String.valueOf(c.pipeline().currentHost())) + " as " + credentials;
    }

    // ---- handles

    @Override
    public Object getConnection(Subject subject, ConnectionRequestInfo info) throws ResourceException {
        if (destroyed) {
            throw new IllegalStateException("this managed connection is destroyed");
        }
        if (logical == null) {
            connectDeferred(); // a volatile read on every other checkout: no lock, no round trip
        }
        Credentials wanted = Credentials.resolve(factory, subject, info instanceof AwsConnectionRequestInfo a ? a : null);
        if (!wanted.equals(credentials)) {
            // the container matched us for another login: re-authenticating a PostgreSQL session is not possible
            throw new SecurityException("this connection is logged in as " + credentials + ", not " + wanted
                    + ": re-authentication is not supported");
        }
        ConnectionHandle handle = ConnectionHandle.open(this);
        handles.add(handle);
        return handle.proxy();
    }

    @Override
    public void associateConnection(Object connection) throws ResourceException {
        ConnectionHandle handle = ConnectionHandle.of(connection);
        if (handle == null) {
            throw new IllegalStateException("not a connection of the AWS JCA adapter: "
                    + (connection == null ? "null" : connection.getClass().getName()));
        }
        AwsManagedConnection previous = handle.owner();
        if (previous != null) {
            previous.handles.remove(handle);
        }
        handle.moveTo(this);
        handles.add(handle);
    }

    void handleClosed(ConnectionHandle handle) {
        handles.remove(handle);
        ConnectionEvent event = new ConnectionEvent(this, ConnectionEvent.CONNECTION_CLOSED);
        event.setConnectionHandle(handle.proxy());
        listeners.forEach(l -> l.connectionClosed(event));
    }

    void aborted(ConnectionHandle handle) {
        handles.remove(handle);
        connectionError(new SQLException("the application aborted the connection", "08003"));
    }

    // ---- what the handles do

    /**
     * Before a handle's call: transaction control is the container's while it runs a transaction, and
     * session settings are remembered before their first change so that cleanup() can restore them.
     */
    void beforeCall(ConnectionHandle handle, String method, Object[] args) throws SQLException {
        Transaction t = transaction;
        if (t == Transaction.XA && xaResource.isBranchLost()) {
            // the pipeline moved the connection: running this on the new writer would take it out of the branch
            throw new TransactionStateUnknownSQLException("The connection failed over to " + logical.pipeline().currentHost()
                    + " during the XA transaction, which is lost and will be rolled back: restart the transaction", null);
        }
        boolean managed = t == Transaction.XA || t == Transaction.CONTAINER_LOCAL;
        if (managed && (method.equals("commit") || (method.equals("rollback") && args == null)
                || (method.equals("setAutoCommit") && Boolean.TRUE.equals(args[0])))) {
            throw new SQLException(method + " is not allowed while the container runs the transaction", "25000");
        }
        SessionSetting setting = SessionSetting.changedBy(method);
        if (setting != null) {
            synchronized (originalSession) {
                if (!originalSession.containsKey(setting)) {
                    originalSession.put(setting, setting.read(logical));
                }
            }
        }
    }

    /** After a handle's call succeeded: the application's own local transactions, told to the container. */
    void afterCall(String method, Object[] args) {
        Transaction t = transaction;
        if (method.equals("setAutoCommit")) {
            boolean autoCommit = (Boolean) args[0];
            if (!autoCommit && t == Transaction.NONE) {
                transaction = Transaction.APPLICATION_LOCAL;
                fire(ConnectionEvent.LOCAL_TRANSACTION_STARTED);
            } else if (autoCommit && t == Transaction.APPLICATION_LOCAL) {
                transaction = Transaction.NONE;
                fire(ConnectionEvent.LOCAL_TRANSACTION_COMMITTED); // turning autocommit on commits
            }
        } else if (t == Transaction.APPLICATION_LOCAL && args == null) {
            if (method.equals("commit")) {
                fire(ConnectionEvent.LOCAL_TRANSACTION_COMMITTED);
                fire(ConnectionEvent.LOCAL_TRANSACTION_STARTED); // autocommit is still off: the next one began
            } else if (method.equals("rollback")) {
                fire(ConnectionEvent.LOCAL_TRANSACTION_ROLLEDBACK);
                fire(ConnectionEvent.LOCAL_TRANSACTION_STARTED);
            }
        }
    }

    /**
     * A call failed. The pool is told the connection is broken when the failure is a lost connection
     * ({@link SqlFailures}), except where the pipeline recovered it: after 08S02 / 08007 the logical
     * connection works on the new writer and the component may go on with the same handle.
     */
    void sqlFailure(SQLException e) {
        if (e instanceof FailoverSuccessSQLException || e instanceof TransactionStateUnknownSQLException) {
            return;
        }
        if (SqlFailures.isConnectionFailure(e)) {
            connectionError(e);
        }
    }

    /** An XA call failed: XAER_RMFAIL (or a lost connection underneath) means the resource manager is gone. */
    void xaFailure(XAException e) {
        Throwable cause = e.getCause();
        if (e.errorCode == XAException.XAER_RMFAIL || e.errorCode == XAException.XA_RBCOMMFAIL
                || (cause instanceof SQLException sql && SqlFailures.isConnectionFailure(sql))) {
            connectionError(e);
        }
    }

    /** Tells the container, once, that this connection is broken; it will destroy it. */
    void connectionError(Exception cause) {
        if (broken || destroyed) {
            return;
        }
        broken = true;
        LOG.log(Level.DEBUG, "connection to {0} is broken: {1}", describe(), cause.getMessage());
        ConnectionEvent event = new ConnectionEvent(this, ConnectionEvent.CONNECTION_ERROR_OCCURRED, cause);
        listeners.forEach(l -> l.connectionErrorOccurred(event));
    }

    private void fire(int type) {
        ConnectionEvent event = new ConnectionEvent(this, type);
        for (ConnectionEventListener l : listeners) {
            switch (type) {
                case ConnectionEvent.LOCAL_TRANSACTION_STARTED -> l.localTransactionStarted(event);
                case ConnectionEvent.LOCAL_TRANSACTION_COMMITTED -> l.localTransactionCommitted(event);
                case ConnectionEvent.LOCAL_TRANSACTION_ROLLEDBACK -> l.localTransactionRolledback(event);
                default -> throw new java.lang.IllegalStateException("not a transaction event: " + type);
            }
        }
    }

    // ---- XA

    /** Whether the session's transaction is aborted (an error was raised in it and not rolled back). */
    boolean isPhysicalTransactionFailed() {
        try {
            ConnectionWrapper c = logical;
            return c != null && c.physicalConnection().unwrap(BaseConnection.class).getTransactionState() == TransactionState.FAILED;
        } catch (SQLException e) {
            return false; // prepare will meet the real failure
        }
    }

    /** Made while the adapter was not running, and not connected yet. */
    boolean isDeferred() {
        return logical == null && !destroyed;
    }

    /** A connection made while the adapter was not running connects when first used. */
    synchronized void connectDeferred() throws ResourceException {
        if (logical == null && !destroyed) {
            adopt(factory.open(credentials));
        }
    }

    /**
     * Takes a connection just opened, unless this one was destroyed while it logged in: destroy() found
     * nothing to close then, so it is closed here (an undeploy during a login leaves no session behind).
     */
    private void adopt(ConnectionWrapper opened) throws ResourceException {
        logical = opened;
        if (destroyed) {
            closeQuietly(opened);
            throw new ResourceException("this managed connection was destroyed while it connected");
        }
    }

    /**
     * For recover(), which must ask the current writer: a connection not connected yet connects (the
     * pipeline opens it on the writer), and an idle one left on a node that is no longer the writer (or
     * broken) is replaced by a new one. One in use (handles, a transaction) is left as it is: its
     * handles lead to its current logical connection.
     */
    synchronized void moveToWriterForRecovery() throws ResourceException {
        if (logical == null) {
            connectDeferred();
            return;
        }
        if (!handles.isEmpty() || transaction != Transaction.NONE || isUsableWriter()) {
            return;
        }
        ConnectionWrapper old = logical;
        broken = false;
        try {
            adopt(factory.open(credentials));
        } finally {
            closeQuietly(old);
        }
    }

    // ---- validation

    /**
     * Whether the pool may hand this connection out, by the definition's role and failoverMode: a
     * strict-writer definition wants the writer ({@link #isUsableWriter}); reader-or-writer any node of the
     * cluster that is not declared dead; a reader definition (role=reader) or strict-reader a reader, and
     * with reader-or-writer the writer too while no reader is up. Where the topology already says where this
     * node stands, only liveness is left to ask, with pgjdbc's empty query (no parse, no plan): a busy pool
     * validates on every checkout, and a crash is seen by the session's socket before the cluster monitor's
     * next look.
     */
    boolean isUsable() {
        ConnectionWrapper c = logical;
        if (c == null || "strict-writer".equals(c.pipeline().config().failoverMode())) {
            return isUsableWriter();
        }
        if (broken || destroyed) {
            return false;
        }
        boolean readerRole = c.pipeline().config().readerRole();
        boolean strictReader = "strict-reader".equals(c.pipeline().config().failoverMode());
        ClusterMonitor cluster = c.pipeline().cluster();
        HostSpec here = c.pipeline().currentHost();
        if (cluster != null && here != null && !cluster.topology().hosts().isEmpty()) {
            HostSpec known = cluster.topology().hosts().stream().filter(h -> h.endpoint().equals(here.endpoint()))
                    .findFirst().orElse(null);
            if (known == null || cluster.health(here).state() == dev.awsjca.topology.HostHealth.State.DOWN) {
                return false; // gone from the cluster, or declared dead
            }
            if (known.role() == dev.awsjca.topology.HostRole.WRITER && (strictReader || (readerRole
                    && cluster.topology().readers().stream().anyMatch(r -> cluster.health(r).state() != dev.awsjca.topology.HostHealth.State.DOWN)))) {
                return false; // a reader definition on the writer: only while no reader is up (the fallback)
            }
            return answers(c.physicalConnection());
        }
        return answers(c.physicalConnection());
    }

    boolean isUsableWriter() {
        if (broken || destroyed) {
            return false;
        }
        ConnectionWrapper c = logical;
        if (c == null) {
            return true; // made while the adapter was not running: it connects to the writer when used
        }
        ClusterMonitor cluster = c.pipeline().cluster();
        HostSpec here = c.pipeline().currentHost();
        if (cluster != null && here != null) {
            Optional<HostSpec> writer = cluster.topology().writer();
            if (writer.isPresent() && !writer.get().endpoint().equals(here.endpoint())) {
                return false;
            }
            if (writer.isPresent()) {
                return cluster.health(here).state() != dev.awsjca.topology.HostHealth.State.DOWN && answers(c.physicalConnection());
            }
        }
        // one round trip, bounded in time: a node that vanished (no RST) must not hold up the pool
        Connection physical = c.physicalConnection();
        try {
            int previousTimeout = physical.getNetworkTimeout();
            physical.setNetworkTimeout(Runnable::run, VALIDATION_TIMEOUT_MS);
            try (Statement s = physical.createStatement(); ResultSet rs = s.executeQuery("select pg_is_in_recovery()")) {
                return rs.next() && !rs.getBoolean(1);
            } finally {
                physical.setNetworkTimeout(Runnable::run, previousTimeout);
            }
        } catch (SQLException | RuntimeException e) {
            return false;
        }
    }

    private static boolean answers(Connection physical) {
        try {
            return physical.isValid(VALIDATION_TIMEOUT_MS / 1000);
        } catch (SQLException | RuntimeException e) {
            return false;
        }
    }

    // ---- lifecycle

    /**
     * Back to the pool: handles are invalidated (they throw "connection closed"), an unfinished local
     * transaction of the application is rolled back, and changed session settings are restored.
     */
    @Override
    public void cleanup() throws ResourceException {
        for (ConnectionHandle h : List.copyOf(handles)) {
            h.invalidate();
        }
        handles.clear();
        ConnectionWrapper c = logical;
        if (destroyed || broken || c == null) {
            return;
        }
        try {
            if (transaction == Transaction.APPLICATION_LOCAL || (transaction == Transaction.NONE && !c.getAutoCommit())) {
                c.rollback();
                c.setAutoCommit(true);
                transaction = Transaction.NONE;
            }
            synchronized (originalSession) {
                for (Map.Entry<SessionSetting, Object> e : originalSession.entrySet()) {
                    e.getKey().restore(c, e.getValue());
                }
                originalSession.clear();
            }
            c.clearWarnings();
        } catch (SQLException e) {
            sqlFailure(e);
            ResourceException re = new ResourceException("could not reset the connection for reuse: " + e.getMessage(),
                    e.getSQLState());
            re.initCause(e);
            throw re;
        }
    }

    @Override
    public void destroy() {
        if (destroyed) {
            return;
        }
        destroyed = true;
        for (ConnectionHandle h : List.copyOf(handles)) {
            h.invalidate();
        }
        handles.clear();
        ConnectionWrapper c = logical; // read after destroyed is set: see adopt()
        if (c != null) {
            closeQuietly(c);
        }
        factory.closed(this);
    }

    /** The adapter is stopping and the container left this connection open. */
    void destroyQuietly() {
        destroy();
    }

    private static void closeQuietly(ConnectionWrapper c) {
        try {
            c.close();
        } catch (SQLException | RuntimeException e) {
            LOG.log(Level.DEBUG, "closing a connection failed: {0}", e.getMessage());
        }
    }

    @Override
    public void addConnectionEventListener(ConnectionEventListener listener) {
        listeners.add(listener);
    }

    @Override
    public void removeConnectionEventListener(ConnectionEventListener listener) {
        listeners.remove(listener);
    }

    @Override
    public XAResource getXAResource() {
        return xaResource;
    }

    @Override
    public LocalTransaction getLocalTransaction() {
        return localTransaction;
    }

    @Override
    public ManagedConnectionMetaData getMetaData() throws ResourceException {
        connectDeferred();
        try {
            return AwsManagedConnectionMetaData.of(logical, credentials.userOr(logical.pipeline().config().get(
                    dev.awsjca.config.WrapperProperties.USER)));
        } catch (SQLException e) {
            sqlFailure(e);
            throw new ResourceException("cannot read the database's metadata: " + e.getMessage(), e);
        }
    }

    @Override
    public void setLogWriter(PrintWriter out) {
        this.logWriter = out;
    }

    @Override
    public PrintWriter getLogWriter() {
        return logWriter;
    }

    @Override
    public String toString() {
        return "AwsManagedConnection[" + describe() + (broken ? ", broken" : "")
                + (destroyed ? ", destroyed" : "") + "]";
    }

}
