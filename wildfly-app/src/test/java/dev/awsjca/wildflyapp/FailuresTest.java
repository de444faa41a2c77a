package dev.awsjca.wildflyapp;

import org.junit.jupiter.api.Test;

import javax.transaction.xa.XAException;
import java.sql.SQLException;
import java.sql.SQLTransientConnectionException;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class FailuresTest {

    @Test
    void theSqlStateOfTheFirstSqlExceptionInTheChainNamesTheFailure() {
        Exception wrapped = new RuntimeException("commit failed", new SQLTransientConnectionException("lost", "08007"));
        assertEquals("RuntimeException(08007)", Failures.kind(wrapped));
        assertEquals("08007", Failures.kind(new SQLTransientConnectionException("lost", "08007")));
        assertTrue(Failures.describe(wrapped).startsWith("SQLState 08007 (SQLTransientConnectionException: lost) in RuntimeException"),
                Failures.describe(wrapped));
    }

    @Test
    void suppressedExceptionsAreSearchedToo() {
        Exception rollback = new IllegalStateException("rolled back");
        rollback.addSuppressed(new XAException(XAException.XA_RBCOMMFAIL));
        assertEquals("IllegalStateException(XA_RBCOMMFAIL)", Failures.kind(rollback));
        assertEquals("XAER_RMFAIL", Failures.kind(new XAException(XAException.XAER_RMFAIL)));
    }

    @Test
    void withoutSqlStateOrXaCodeTheClassNamesIt() {
        assertEquals("IllegalStateException", Failures.kind(new IllegalStateException("x", new SQLException("no state"))));
        assertEquals("XA error 12345", Failures.xaCode(12345));
    }

    @Test
    void describeKeepsOneLineOfTheMessage() {
        String d = Failures.describe(new IllegalStateException("first\nsecond"));
        assertEquals("IllegalStateException: first", d);
    }

    @Test
    void everyCodeTheContractNamesHasAMeaning() {
        for (String kind : new String[] {"08007", "08S02", "08001", "XA_RBCOMMFAIL", "XAER_RMFAIL", "RollbackException"}) {
            assertTrue(!DemoReport.meaning(kind).isEmpty(), kind);
        }
        assertEquals("", DemoReport.meaning("something else"));
        assertTrue(DemoReport.meaning("HeuristicMixedException(08006)").contains("; cause: the connection broke"),
                DemoReport.meaning("HeuristicMixedException(08006)"));
        assertTrue(DemoReport.meaning("Foo(08007)").startsWith("cause: failed over mid-transaction"), DemoReport.meaning("Foo(08007)"));
    }
}
