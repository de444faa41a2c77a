package dev.awsjca.ra;

import java.lang.reflect.InvocationHandler;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.sql.Array;
import java.sql.CallableStatement;
import java.sql.DatabaseMetaData;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.Set;

/**
 * A statement, result set or database metadata reached through a {@link ConnectionHandle}: it answers
 * {@code getConnection()} / {@code getStatement()} with the handles (never the pooled objects behind
 * them), refuses work once its connection handle is closed, and shows SQLExceptions to the managed
 * connection so that a broken connection is reported to the pool whatever object hit the failure.
 */
final class JdbcObjectHandle implements InvocationHandler {

    private static final Set<Class<?>> WRAPPED = Set.of(Statement.class, PreparedStatement.class,
            CallableStatement.class, ResultSet.class, DatabaseMetaData.class, Array.class);

    private final ConnectionHandle connection;
    private final Object parent; // the statement handle a result set came from, or null
    private final Object delegate;
    private final LastHandles made = new LastHandles();

    private JdbcObjectHandle(ConnectionHandle connection, Object parent, Object delegate) {
        this.connection = connection;
        this.parent = parent;
        this.delegate = delegate;
    }

    /** Wraps what a JDBC call returned when it is a JDBC object that can lead back to the connection. */
    static Object wrapResult(ConnectionHandle connection, Object parent, Method method, Object result, LastHandles last) {
        Class<?> type = method.getReturnType() == Object.class && result instanceof Array ? Array.class : method.getReturnType();
        if (result == null || !WRAPPED.contains(type)) {
            return result;
        }
        if (result instanceof Statement s && !(result instanceof ResultSet)) {
            connection.opened(s);
        }
        return last.handleOf(type, result, () -> Proxy.newProxyInstance(JdbcObjectHandle.class.getClassLoader(),
                new Class<?>[] {type}, new JdbcObjectHandle(connection, parent, result)));
    }

    /** Arguments as the object behind this handle takes them: an Array handle becomes the Array behind it. */
    static Object[] unwrapped(Object[] args) {
        if (args == null) {
            return null;
        }
        Object[] out = args;
        for (int i = 0; i < args.length; i++) {
            if (args[i] instanceof Array && Proxy.isProxyClass(args[i].getClass())
                    && Proxy.getInvocationHandler(args[i]) instanceof JdbcObjectHandle h) {
                if (out == args) {
                    out = args.clone();
                }
                out[i] = h.delegate;
            }
        }
        return out;
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
                return delegate.toString();
            case "getConnection":
                connection.checkOpen();
                return connection.proxy();
            case "getStatement":
                if (parent != null) {
                    return parent;
                }
                break;
            case "unwrap":
                if (((Class<?>) args[0]).isInstance(self)) {
                    return self;
                }
                break;
            case "isWrapperFor":
                if (((Class<?>) args[0]).isInstance(self)) {
                    return true;
                }
                break;
            case "close":
                if (delegate instanceof Statement s) {
                    connection.closed(s);
                }
                break;
            case "isClosed":
                break;
            default:
                connection.checkOpen();
        }
        Object result;
        try {
            result = method.invoke(delegate, unwrapped(args));
        } catch (InvocationTargetException e) {
            throw connection.failed(e.getCause());
        }
        return wrapResult(connection, delegate instanceof Statement ? self : parent, method, result, made);
    }
}
