package dev.awsjca.pipeline;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** How chains are composed from subscriptions, without a database. */
class ChainCompositionTest {

    @Test
    void noPluginsShareOneEmptyTable() {
        JdbcChain[] a = ConnectionPipeline.composeChains(List.of());
        assertSame(a, ConnectionPipeline.composeChains(List.of()));
        for (JdbcChain c : a) {
            assertNull(c);
        }
    }

    @Test
    void onlySubscribedMethodsGetAChainAndSameSubscribersShareIt() {
        var all = new TestPlugins.Recording("all", JdbcMethods.ALL);
        var exec = new TestPlugins.Recording("exec", JdbcMethods.matching("Statement.execute*"));
        JdbcChain[] chains = ConnectionPipeline.composeChains(List.of(all, exec));
        JdbcChain query = chains[JdbcMethod.STATEMENT_EXECUTE_QUERY.ordinal()];
        JdbcChain update = chains[JdbcMethod.STATEMENT_EXECUTE_UPDATE.ordinal()];
        JdbcChain getInt = chains[JdbcMethod.RESULT_SET_GET_INT.ordinal()];
        assertEquals("[Recording, Recording]", query.toString());
        assertSame(query, update, "same subscribers, same chain object");
        assertEquals("[Recording]", getInt.toString());
        assertNotNull(chains[JdbcMethod.CONNECTION_COMMIT.ordinal()]);
    }

    @Test
    void pluginWithoutSubscriptionsLeavesMethodsDirect() {
        var none = new TestPlugins.Recording("none", JdbcMethods.NONE);
        for (JdbcChain c : ConnectionPipeline.composeChains(List.of(none))) {
            assertNull(c);
        }
    }

    @Test
    void patternsMatchInterfaceAndMethod() {
        assertTrue(JdbcMethods.matching("*.execute*").contains(JdbcMethod.PREPARED_STATEMENT_EXECUTE_QUERY));
        assertTrue(JdbcMethods.matching("*.execute*").contains(JdbcMethod.STATEMENT_EXECUTE_BATCH));
        assertEquals(1, JdbcMethods.matching("Connection.commit").size());
        assertEquals("Connection.commit", JdbcMethod.CONNECTION_COMMIT.toString());
        assertThrows(IllegalArgumentException.class, () -> JdbcMethods.matching("Connection.comit"));
    }
}
