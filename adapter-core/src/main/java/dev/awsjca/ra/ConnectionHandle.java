package dev.awsjca.ra;

import java.lang.reflect.InvocationHandler;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The {@code java.sql.Connection} a component holds: a handle on a managed connection's logical
 * connection. Several handles may share one managed connection, and the container may move a handle to
 * another one ({@code associateConnection}). Closing it tells the container (CONNECTION_CLOSED) and makes
 * it a {@link ClosedConnection}; its statements are closed with it. Every SQLException passing through it
 * (or through its statements and result sets) is shown to the managed connection, which decides whether
 * the connection is broken. Transaction control is refused while the container runs the transaction.
 */
final class ConnectionHandle implements InvocationHandler {

    private final Connection proxy;
    private final Set<Statement> statements = ConcurrentHashMap.newKeySet();
    private final LastHandles made = new LastHandles();
    private volatile AwsManagedConnection owner;
    private volatile Connection target;

    private ConnectionHandle(AwsManagedConnection owner) {
        this.owner = owner;
        this.target = owner.logicalConnection();
        this.proxy = (Connection) Proxy.newProxyInstance(ConnectionHandle.class.getClassLoader(),
                new Class<?>[] {Connection.class}, this);
    }

    static ConnectionHandle open(AwsManagedConnection owner) {
        return new ConnectionHandle(owner);
    }

    /** The handle behind a connection object the container gives back, or null if it is not one of ours. */
    static ConnectionHandle of(Object connection) {
        if (connection instanceof Connection && Proxy.isProxyClass(connection.getClass())
                && Proxy.getInvocationHandler(connection) instanceof ConnectionHandle h) {
            return h;
        }
        return null;
    }

    Connection proxy() {
        return proxy;
    }

    AwsManagedConnection owner() {
        return owner;
    }

    boolean isClosed() {
        return target == ClosedConnection.INSTANCE;
    }

    /** Moves this handle to another managed connection (the container's associateConnection). */
    void moveTo(AwsManagedConnection newOwner) {
        closeStatements();
        owner = newOwner;
        target = newOwner.logicalConnection();
    }

    /** The managed connection let go of this handle (cleanup, destroy): no event, just closed. */
    void invalidate() {
        target = ClosedConnection.INSTANCE;
        owner = null;
        closeStatements();
    }

    void opened(Statement statement) {
        statements.add(statement);
    }

    void closed(Statement statement) {
        statements.remove(statement);
    }

    private void closeStatements() {
        for (Statement s : List.copyOf(statements)) {
            try {
                s.close();
            } catch (SQLException ignored) {
                // the connection may be gone; the statement is released with it
            }
        }
        statements.clear();
    }

    @Override
    public Object invoke(Object self, Method method, Object[] args) throws Throwable {
        String name = method.getName();
        switch (name) {
            case "equals":
                return self == args[0];
            case "hashCode":
                return System.identityHashCode(self);
            case "toString":
                AwsManagedConnection mc = owner;
                return mc == null ? "AwsConnection[closed]" : "AwsConnection[" + mc.describe() + "]";
            case "close":
                close();
                return null;
            case "isClosed":
                return isClosed() || target.isClosed();
            case "unwrap":
                return ((Class<?>) args[0]).isInstance(self) ? self : call(method, args);
            case "isWrapperFor":
                return ((Class<?>) args[0]).isInstance(self) || (Boolean) call(method, args);
            case "abort":
                abort();
                return null;
            default:
                break;
        }
        AwsManagedConnection mc = owner;
        if (mc != null) {
            mc.beforeCall(this, name, args);
        }
        Object result = call(method, args);
        if (mc != null) {
            mc.afterCall(name, args);
        }
        return JdbcObjectHandle.wrapResult(this, null, method, result, made);
    }

    /** Calls the logical connection; SQLExceptions are shown to the managed connection and rethrown as they are. */
    Object call(Method method, Object[] args) throws Throwable {
        Connection t = target;
        try {
            return method.invoke(t, args);
        } catch (InvocationTargetException e) {
            throw failed(e.getCause());
        }
    }

    Throwable failed(Throwable cause) {
        AwsManagedConnection mc = owner;
        if (mc != null && cause instanceof SQLException sql) {
            mc.sqlFailure(sql);
        }
        return cause;
    }

    private void close() {
        AwsManagedConnection mc = owner;
        if (isClosed() || mc == null) {
            return;
        }
        invalidate();
        mc.handleClosed(this);
    }

    /** Connection.abort on a pooled handle: the physical connection must go, so the pool is told it is broken. */
    private void abort() {
        AwsManagedConnection mc = owner;
        if (isClosed() || mc == null) {
            return;
        }
        invalidate();
        mc.aborted(this);
    }

    void checkOpen() throws SQLException {
        if (isClosed()) {
            throw ClosedConnection.closed();
        }
    }
}
