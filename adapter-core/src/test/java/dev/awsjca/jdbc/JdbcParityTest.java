package dev.awsjca.jdbc;

import dev.awsjca.pipeline.TestPlugins;
import dev.awsjca.ra.AwsManagedConnectionFactory;
import dev.awsjca.ra.AwsResourceAdapter;
import dev.awsjca.testkit.PgClusterExtension;
import dev.awsjca.testkit.TestDatabase;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import javax.sql.DataSource;
import java.sql.Connection;
import java.sql.DriverManager;
import java.util.List;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Every scenario gives the same trace (values, exceptions with class, SQLState and message, identity
 * answers) on pgjdbc directly and through the wrapper, with no plugins and with three plugins subscribed
 * to every method (the plugin path must not change what the application sees).
 */
@ExtendWith(PgClusterExtension.class)
class JdbcParityTest {

    static Stream<Arguments> scenarios() {
        return JdbcScenarios.ALL.keySet().stream().flatMap(name -> Stream.of(
                Arguments.of(name, ""),
                Arguments.of(name, "first,second,executeOnly")));
    }

    @ParameterizedTest(name = "{0} [plugins={1}]")
    @MethodSource("scenarios")
    void sameAsPgjdbc(String name, String plugins, TestDatabase db) throws Exception {
        JdbcScenarios.Scenario scenario = JdbcScenarios.ALL.get(name);
        JdbcTrace direct = new JdbcTrace();
        try (Connection c = db.connect()) {
            scenario.run(c, direct);
        }
        JdbcTrace wrapped = new JdbcTrace();
        TestPlugins.EVENTS.clear();
        try (Connection c = DriverManager.getConnection(wrapperUrl(db, plugins), db.user(), db.password())) {
            assertInstanceOf(ConnectionWrapper.class, c);
            scenario.run(c, wrapped);
        }
        assertFalse(direct.entries().isEmpty(), "the scenario observed nothing");
        assertEquals(direct.entries(), wrapped.entries());
        if (!plugins.isEmpty()) {
            assertTrue(TestPlugins.EVENTS.size() > direct.entries().size(), "the plugins saw the calls");
        }
    }

    /** The same through the resource adapter's connection handle, which a server's application holds. */
    @ParameterizedTest(name = "{0} [through a JCA handle]")
    @MethodSource("handleScenarios")
    void sameAsPgjdbcThroughAConnectionHandle(String name, TestDatabase db) throws Exception {
        JdbcScenarios.Scenario scenario = JdbcScenarios.ALL.get(name);
        JdbcTrace direct = new JdbcTrace();
        try (Connection c = db.connect()) {
            scenario.run(c, direct);
        }
        AwsResourceAdapter ra = new AwsResourceAdapter();
        ra.start(null);
        try {
            AwsManagedConnectionFactory mcf = new AwsManagedConnectionFactory();
            mcf.setUrl(db.jdbcUrl());
            mcf.setPlugins("");
            mcf.setUser(db.user());
            mcf.setPassword(db.password());
            mcf.setResourceAdapter(ra);
            JdbcTrace handled = new JdbcTrace();
            try (Connection c = ((DataSource) mcf.createConnectionFactory()).getConnection()) {
                scenario.run(c, handled);
            }
            assertEquals(direct.entries(), handled.entries());
        } finally {
            ra.stop();
        }
    }

    static Stream<String> handleScenarios() {
        return JdbcScenarios.ALL.keySet().stream();
    }

    static String wrapperUrl(TestDatabase db, String plugins) {
        return db.jdbcUrl().replace("jdbc:postgresql://", "jdbc:aws-wrapper:postgresql://")
                + "?plugins=" + plugins; // explicit even when empty: the default plugins are not in this module
    }

    static List<String> events() {
        return List.copyOf(TestPlugins.EVENTS);
    }
}
