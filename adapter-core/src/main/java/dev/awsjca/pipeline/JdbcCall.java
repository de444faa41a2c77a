package dev.awsjca.pipeline;

/**
 * One invocation of a JDBC method that at least one plugin subscribed to. Made only on that path: a
 * method no plugin subscribed to goes straight to the driver without one.
 *
 * @param <T> what the method returns (boxed; {@code Void} for void methods)
 */
public final class JdbcCall<T> {

    /** Shared argument array of methods without parameters. */
    public static final Object[] NO_ARGS = new Object[0];

    private final JdbcMethod method;
    private final Object wrapper;
    private final Object[] args;
    private final JdbcCallable<T> target;

    public JdbcCall(JdbcMethod method, Object wrapper, Object[] args, JdbcCallable<T> target) {
        this.method = method;
        this.wrapper = wrapper;
        this.args = args;
        this.target = target;
    }

    public JdbcMethod method() {
        return method;
    }

    /** The wrapper the application called (a Connection, Statement, ResultSet, ... of this adapter). */
    public Object wrapper() {
        return wrapper;
    }

    /** The arguments as the application passed them; read them, do not change them. */
    public Object[] args() {
        return args;
    }

    /**
     * The SQL this call runs: the first argument if it is a String (execute, prepare, addBatch), else the
     * SQL a prepared statement was made with; null when there is none.
     */
    public String sql() {
        if (args.length > 0 && args[0] instanceof String) {
            return (String) args[0];
        }
        return wrapper instanceof SqlSource source ? source.sql() : null;
    }

    T invokeTarget() throws java.sql.SQLException {
        return target.call();
    }

    @Override
    public String toString() {
        return method.toString();
    }
}
