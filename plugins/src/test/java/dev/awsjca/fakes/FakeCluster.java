package dev.awsjca.fakes;

import dev.awsjca.pipeline.HostConnection;
import dev.awsjca.pipeline.PhysicalConnector;
import dev.awsjca.topology.HostConnector;
import dev.awsjca.topology.HostSpec;

import java.lang.reflect.InvocationHandler;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Nodes that answer the few queries the adapter itself sends (role, transaction id), with hooks to fail
 * or hold a login or a query: for fast, deterministic unit tests of the failover and monitoring logic,
 * where a real server cannot be made to fail at an exact point. Not a database: every other statement
 * succeeds and returns no rows.
 */
public final class FakeCluster {

    /** Runs before a login or a query; may block (hold) or throw (fail). */
    @FunctionalInterface
    public interface Hook {
        void before(Node node, String what, String applicationName) throws SQLException;
    }

    public final class Node {
        final HostSpec host;
        public volatile boolean writer;
        public volatile Long txid;
        public volatile Hook onLogin = (n, w, a) -> { };
        public volatile Hook onQuery = (n, w, a) -> { };
        /** Runs after a query's answer was taken from the node's state, before it is returned: a late answer. */
        public volatile Hook onAnswer = (n, w, a) -> { };
        public final AtomicInteger logins = new AtomicInteger();
        public final AtomicInteger queries = new AtomicInteger();

        Node(HostSpec host) {
            this.host = host;
        }

        public HostSpec host() {
            return host;
        }
    }

    private final Map<String, Node> nodes = new ConcurrentHashMap<>();
    private final List<FakeConnection> opened = new CopyOnWriteArrayList<>();

    public Node node(String host, int port) {
        return nodes.computeIfAbsent(host + ":" + port, k -> new Node(HostSpec.of(host, port)));
    }

    public Node node(HostSpec host) {
        return node(host.host(), host.port());
    }

    /** Physical connections opened and neither closed nor aborted. */
    public List<Connection> open() {
        return opened.stream().filter(c -> !c.closed).map(c -> c.proxy).toList();
    }

    public int opened() {
        return opened.size();
    }

    public Connection connect(HostSpec host) throws SQLException {
        return connect(host, null);
    }

    /** Connections whose current writer check answered true (the adapter checked their role). */
    public boolean checkedAsWriter(Connection c) {
        return opened.stream().anyMatch(f -> f.proxy == c && f.answeredWriter);
    }

    public Connection connect(HostSpec host, String applicationName) throws SQLException {
        Node node = nodes.get(host.endpoint());
        if (node == null) {
            throw new SQLException("Connection to " + host.endpoint() + " refused", "08001");
        }
        node.logins.incrementAndGet();
        node.onLogin.before(node, "login", applicationName);
        FakeConnection c = new FakeConnection(node, applicationName);
        opened.add(c);
        return c.proxy;
    }

    public HostConnector hostConnector() {
        return this::connect;
    }

    /** The end of the adapter's connect chain: the first host of the request that answers. */
    public PhysicalConnector driver() {
        return request -> {
            SQLException first = null;
            for (HostSpec h : request.hosts()) {
                try {
                    return new HostConnection(connect(h, request.property("ApplicationName")), h);
                } catch (SQLException e) {
                    first = first == null ? e : first;
                }
            }
            throw first;
        };
    }

    private static Object proxy(Class<?> type, InvocationHandler h) {
        return Proxy.newProxyInstance(FakeCluster.class.getClassLoader(), new Class<?>[]{type}, h);
    }

    private static Object defaultValue(Class<?> type) {
        if (type == boolean.class) {
            return false;
        }
        if (type == int.class || type == long.class || type == short.class || type == byte.class) {
            return type == long.class ? (Object) 0L : type == int.class ? (Object) 0 : type == short.class ? (Object) (short) 0 : (Object) (byte) 0;
        }
        if (type == double.class || type == float.class) {
            return type == double.class ? (Object) 0d : (Object) 0f;
        }
        return null;
    }

    private final class FakeConnection {
        final Node node;
        final String applicationName;
        final Connection proxy;
        volatile boolean closed;
        volatile boolean answeredWriter;
        volatile boolean autoCommit = true;

        FakeConnection(Node node, String applicationName) {
            this.node = node;
            this.applicationName = applicationName;
            this.proxy = (Connection) proxy(Connection.class, (p, m, a) -> {
                switch (m.getName()) {
                    case "close", "abort" -> closed = true;
                    case "isClosed" -> {
                        return closed;
                    }
                    case "isValid" -> {
                        return !closed;
                    }
                    case "getAutoCommit" -> {
                        return autoCommit;
                    }
                    case "setAutoCommit" -> {
                        check();
                        autoCommit = (Boolean) a[0];
                    }
                    case "commit", "rollback" -> query(m.getName().toUpperCase());
                    case "createStatement" -> {
                        check();
                        return statement(Statement.class, null);
                    }
                    case "prepareStatement" -> {
                        check();
                        return statement(PreparedStatement.class, (String) a[0]);
                    }
                    case "unwrap" -> {
                        return p;
                    }
                    case "isWrapperFor" -> {
                        return false;
                    }
                    case "hashCode" -> {
                        return System.identityHashCode(p);
                    }
                    case "equals" -> {
                        return p == a[0];
                    }
                    case "toString" -> {
                        return "FakeConnection[" + node.host.endpoint() + ", " + applicationName + (closed ? ", closed" : "") + "]";
                    }
                    default -> {
                        if (m.getName().startsWith("set")) {
                            check();
                            node.onQuery.before(node, m.getName(), applicationName);
                        }
                        return defaultValue(m.getReturnType());
                    }
                }
                return defaultValue(m.getReturnType());
            });
        }

        void check() throws SQLException {
            if (closed) {
                throw new SQLException("This connection has been closed.", "08003");
            }
        }

        Object query(String sql) throws SQLException {
            check();
            node.queries.incrementAndGet();
            node.onQuery.before(node, sql, applicationName);
            if (closed) { // aborted while held: the socket was closed under the query
                throw new SQLException("An I/O error occurred while sending to the backend.", "08006");
            }
            if (sql.contains("pg_is_in_recovery")) {
                boolean writer = node.writer;
                node.onAnswer.before(node, sql, applicationName);
                answeredWriter = writer;
                return !writer;
            }
            if (sql.contains("txid_current_if_assigned")) {
                return node.txid;
            }
            if (sql.contains("txid_status")) {
                return "committed";
            }
            return null;
        }

        Object statement(Class<? extends Statement> type, String prepared) {
            Object[] result = new Object[1];
            return proxy(type, (p, m, a) -> {
                String name = m.getName();
                if (name.startsWith("execute")) {
                    String sql = a != null && a.length > 0 && a[0] instanceof String s ? s : prepared;
                    Object value = query(sql);
                    if (name.equals("executeQuery")) {
                        return resultSet(value);
                    }
                    return defaultValue(m.getReturnType());
                }
                return switch (name) {
                    case "getConnection" -> proxy;
                    case "hashCode" -> System.identityHashCode(p);
                    case "equals" -> p == a[0];
                    case "toString" -> "FakeStatement";
                    default -> defaultValue(m.getReturnType());
                };
            });
        }

        ResultSet resultSet(Object value) {
            boolean[] state = {false, false}; // before first, past last
            return (ResultSet) proxy(ResultSet.class, (p, m, a) -> switch (m.getName()) {
                case "next" -> {
                    boolean row = !state[0] && value != null;
                    state[0] = true;
                    yield row;
                }
                case "getBoolean" -> value instanceof Boolean b && b;
                case "getLong" -> value instanceof Number n ? n.longValue() : 0L;
                case "getString" -> value == null ? null : value.toString();
                case "wasNull" -> value == null;
                case "hashCode" -> System.identityHashCode(p);
                case "equals" -> p == a[0];
                default -> defaultValue(m.getReturnType());
            });
        }
    }

    /** Unwraps what a proxy threw. */
    static Throwable unwrap(Throwable t) {
        return t instanceof InvocationTargetException i ? i.getCause() : t;
    }
}
