package dev.awsjca.it;

import org.jboss.arquillian.container.test.api.Deployment;
import org.jboss.arquillian.junit5.ArquillianExtension;
import org.jboss.arquillian.test.api.ArquillianResource;
import org.jboss.shrinkwrap.api.spec.EnterpriseArchive;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.ExtendWith;

import java.net.URL;
import java.util.List;
import java.util.UUID;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The adapter in WildFly, used by an application as any DataSource: looked up and injected, in
 * container- and bean-managed JTA transactions, and in one XA transaction over two databases.
 */
@ExtendWith(ArquillianExtension.class)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ResourceAdapterIT {

    @Deployment(testable = false)
    static EnterpriseArchive deployment() {
        return Deployments.application("awsjca-it");
    }

    @ArquillianResource
    private URL base;

    private static String newId() {
        return UUID.randomUUID().toString();
    }

    @Test
    @Order(1)
    void jndiLookupAndInjectionGiveTheAdaptersDataSource() throws Exception {
        assertEquals("dev.awsjca.ra.AwsConnectionFactory " + ItCluster.FIRST, Http.get(base, "rows?op=jndi"));
        assertEquals(ItCluster.FIRST, Http.get(base, "rows?op=inject"));
        // handles: a java.sql.Connection whose statements and result sets lead back to the handles
        assertEquals("java.sql.Connection true true", Http.get(base, "rows?op=handles"));
    }

    @Test
    @Order(2)
    void containerManagedTransactionsCommitAndRollBack() throws Exception {
        String kept = newId();
        String dropped = newId();
        assertEquals("ok", Http.get(base, "rows?op=cmt&commit=true&id=" + kept));
        assertEquals("ok", Http.get(base, "rows?op=cmt&commit=false&id=" + dropped));
        assertEquals(1, ItCluster.count(ItCluster.FIRST, kept));
        assertEquals(0, ItCluster.count(ItCluster.FIRST, dropped));
    }

    @Test
    @Order(3)
    void beanManagedTransactionsCommitAndRollBack() throws Exception {
        String kept = newId();
        String dropped = newId();
        assertEquals("ok", Http.get(base, "rows?op=bmt&commit=true&id=" + kept));
        assertEquals("ok", Http.get(base, "rows?op=bmt&commit=false&id=" + dropped));
        assertEquals(1, ItCluster.count(ItCluster.FIRST, kept));
        assertEquals(0, ItCluster.count(ItCluster.FIRST, dropped));
    }

    @Test
    @Order(4)
    void oneXaTransactionOverTwoDatabasesCommitsAndRollsBackAsOne() throws Exception {
        String kept = newId();
        assertEquals("ok", Http.get(base, "rows?op=xa&commit=true&id=" + kept));
        assertEquals(1, ItCluster.count(ItCluster.FIRST, kept));
        assertEquals(1, ItCluster.count(ItCluster.SECOND, kept));

        String dropped = newId();
        assertEquals("ok", Http.get(base, "rows?op=xa&commit=false&id=" + dropped));
        assertEquals(0, ItCluster.count(ItCluster.FIRST, dropped));
        assertEquals(0, ItCluster.count(ItCluster.SECOND, dropped));
        assertEquals(0, ItCluster.preparedTransactions());
    }

    @Test
    @Order(5)
    void deployAndFirstUseLogNoError() throws Exception {
        List<String> errors = ServerLog.errorsSinceMark();
        assertTrue(errors.isEmpty(), "server.log has errors:\n" + String.join("\n", errors));
    }

    /** After the log check: WildFly logs the application's failures below as errors, rightly. */
    @Test
    @Order(6)
    void aFailedBranchRollsBackTheOtherDatabaseToo() throws Exception {
        // the second database refuses its insert: the first database's branch must roll back too
        String clash = newId();
        ItCluster.insertRaw(ItCluster.SECOND, clash);
        assertEquals(500, Http.send(base, "rows?op=xa-fail-second&id=" + clash).statusCode());
        assertEquals(0, ItCluster.count(ItCluster.FIRST, clash));

        // same, but the SQLException leaves the bean as a checked (application) exception, so the container
        // tries to commit: prepare refuses the failed branch (pgjdbc alone reports it prepared) and both roll back
        String clash2 = newId();
        ItCluster.insertRaw(ItCluster.SECOND, clash2);
        assertEquals(500, Http.send(base, "rows?op=xa-fail-second-commit&id=" + clash2).statusCode());
        assertEquals(0, ItCluster.count(ItCluster.FIRST, clash2));
        assertEquals(0, ItCluster.preparedTransactions());
    }
}
