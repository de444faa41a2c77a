package dev.awsjca.pipeline;

import dev.awsjca.topology.HostSpec;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Set;

/**
 * Plugins used by the tests of the pipeline, registered in the test class path's
 * META-INF/services. Each records what it sees in {@link #EVENTS}.
 */
public final class TestPlugins {

    /** What the plugins saw, in order: "first>Statement.executeQuery", "first<Statement.executeQuery", ... */
    public static final List<String> EVENTS = Collections.synchronizedList(new ArrayList<>());

    private TestPlugins() {
    }

    /** Records every call before and after the rest of the chain. */
    static class Recording implements ConnectionPlugin {
        private final String name;
        private final Set<JdbcMethod> methods;

        Recording(String name, Set<JdbcMethod> methods) {
            this.name = name;
            this.methods = methods;
        }

        @Override
        public Set<JdbcMethod> subscribedMethods() {
            return methods;
        }

        @Override
        public <T> T execute(JdbcCall<T> call, JdbcChain next) throws SQLException {
            EVENTS.add(name + ">" + call.method());
            T result = next.proceed(call);
            EVENTS.add(name + "<" + call.method());
            return result;
        }

        @Override
        public HostConnection connect(ConnectRequest request, ConnectChain next) throws SQLException {
            EVENTS.add(name + ">connect");
            HostConnection c = next.connect(request);
            EVENTS.add(name + "<connect");
            return c;
        }

        @Override
        public void connectionChanged(HostSpec newHost) {
            EVENTS.add(name + ":connectionChanged");
        }

        @Override
        public void release() {
            EVENTS.add(name + ":release");
        }
    }

    public static final class First implements ConnectionPluginFactory {
        public String code() {
            return "first";
        }

        public ConnectionPlugin create(PluginContext context) {
            return new Recording("first", JdbcMethods.ALL);
        }
    }

    public static final class Second implements ConnectionPluginFactory {
        public String code() {
            return "second";
        }

        public ConnectionPlugin create(PluginContext context) {
            return new Recording("second", JdbcMethods.ALL);
        }
    }

    /** Sees only statement executions. */
    public static final class ExecuteOnly implements ConnectionPluginFactory {
        public String code() {
            return "executeOnly";
        }

        public ConnectionPlugin create(PluginContext context) {
            return new Recording("executeOnly", JdbcMethods.matching("*Statement.execute*"));
        }
    }

    /** Fails a statement whose SQL contains "plugin-fails" (SQLException) or "plugin-breaks" (a bug). */
    public static final class Failing implements ConnectionPluginFactory {
        public static final SQLException FAILURE = new SQLException("refused by the failing plugin", "P0001");

        public String code() {
            return "failing";
        }

        public ConnectionPlugin create(PluginContext context) {
            return new ConnectionPlugin() {
                public Set<JdbcMethod> subscribedMethods() {
                    return JdbcMethods.matching("Statement.execute*");
                }

                public <T> T execute(JdbcCall<T> call, JdbcChain next) throws SQLException {
                    String sql = call.sql();
                    if (sql != null && sql.contains("plugin-fails")) {
                        throw FAILURE;
                    }
                    if (sql != null && sql.contains("plugin-breaks")) {
                        throw new IllegalStateException("a bug in the failing plugin");
                    }
                    return next.proceed(call);
                }
            };
        }
    }

    /**
     * Moves the logical connection to a new physical connection when the application sets the client
     * info "switch" (the way failover moves it to a new writer), closing the old one.
     */
    public static final class Switching implements ConnectionPluginFactory {
        public String code() {
            return "switching";
        }

        public ConnectionPlugin create(PluginContext context) {
            return new ConnectionPlugin() {
                public Set<JdbcMethod> subscribedMethods() {
                    return JdbcMethods.matching("Connection.setClientInfo");
                }

                public <T> T execute(JdbcCall<T> call, JdbcChain next) throws SQLException {
                    if ("switch".equals(call.args()[0])) {
                        Connection old = context.currentConnection();
                        Connection fresh = context.connect(context.currentHost());
                        context.switchConnection(fresh, context.currentHost());
                        old.close();
                        return null;
                    }
                    return next.proceed(call);
                }
            };
        }
    }

    /** Fails the connect, as a credentials plugin does when it cannot get credentials. */
    public static final class RefusingConnect implements ConnectionPluginFactory {
        public String code() {
            return "refusingConnect";
        }

        public ConnectionPlugin create(PluginContext context) {
            return new ConnectionPlugin() {
                public Set<JdbcMethod> subscribedMethods() {
                    return JdbcMethods.NONE;
                }

                public HostConnection connect(ConnectRequest request, ConnectChain next) throws SQLException {
                    throw new SQLException("no credentials for " + request.hosts(), "28000");
                }

                public void release() {
                    EVENTS.add("refusingConnect:release");
                }
            };
        }
    }
}
