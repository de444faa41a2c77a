package dev.awsjca.demo;

import dev.awsjca.pipeline.ConnectChain;
import dev.awsjca.pipeline.ConnectRequest;
import dev.awsjca.pipeline.ConnectionPlugin;
import dev.awsjca.pipeline.ConnectionPluginFactory;
import dev.awsjca.pipeline.JdbcCall;
import dev.awsjca.pipeline.JdbcChain;
import dev.awsjca.pipeline.JdbcMethod;
import dev.awsjca.pipeline.JdbcMethods;
import dev.awsjca.pipeline.PluginContext;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.Set;

/** The demo's plugin: prints each connect and each statement execution it sees, with its time. */
public final class NarratingPlugin implements ConnectionPlugin {

    @Override
    public Set<JdbcMethod> subscribedMethods() {
        return JdbcMethods.matching("*.execute*", "Connection.commit", "Connection.rollback");
    }

    @Override
    public <T> T execute(JdbcCall<T> call, JdbcChain next) throws SQLException {
        long start = System.nanoTime();
        try {
            return next.proceed(call);
        } finally {
            System.out.printf("    [pipeline] %-36s %7.2f ms%s%n", call.method(), (System.nanoTime() - start) / 1e6,
                    call.sql() == null ? "" : "  " + call.sql());
        }
    }

    @Override
    public Connection connect(ConnectRequest request, ConnectChain next) throws SQLException {
        long start = System.nanoTime();
        Connection c = next.connect(request);
        System.out.printf("    [pipeline] connect to %s %7.2f ms%n", request.hosts(), (System.nanoTime() - start) / 1e6);
        return c;
    }

    public static final class Factory implements ConnectionPluginFactory {
        @Override
        public String code() {
            return "narrate";
        }

        @Override
        public ConnectionPlugin create(PluginContext context) {
            return new NarratingPlugin();
        }
    }
}
