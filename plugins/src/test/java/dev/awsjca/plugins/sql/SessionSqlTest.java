package dev.awsjca.plugins.sql;

import dev.awsjca.pipeline.SessionState;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Which SQL changes the session and is carried to the next physical connection. */
class SessionSqlTest {

    @Test
    void setAndResetAreRecordedTransactionScopedOnesAreNot() {
        SessionSql sql = new SessionSql();
        SessionState session = new SessionState();
        long v = session.version();
        assertTrue(sql.executed("SET application_name = 'a'", session, true));
        assertTrue(sql.executed("set search_path to app, public;", session, true));
        assertTrue(sql.executed("SET SESSION statement_timeout = '5s'", session, true));
        assertTrue(sql.executed("SET TIME ZONE 'UTC'", session, true));
        assertTrue(sql.executed("SET my_app.tenant = '42'", session, true));
        assertFalse(sql.executed("SET LOCAL statement_timeout = '1s'", session, true));
        assertFalse(sql.executed("SET TRANSACTION ISOLATION LEVEL SERIALIZABLE", session, true));
        assertFalse(sql.executed("SET SESSION CHARACTERISTICS AS TRANSACTION READ ONLY", session, true));
        assertFalse(sql.executed("SET a = 1; DELETE FROM t", session, true));
        assertFalse(sql.executed("SELECT 1", session, true));
        assertTrue(session.version() > v);
        assertTrue(sql.executed("RESET search_path", session, true));
        assertTrue(sql.executed("RESET ALL", session, true));
        assertTrue(sql.executed("DISCARD ALL", session, true));
    }

    @Test
    void aSetInATransactionCountsOnlyOnceCommitted() {
        SessionSql sql = new SessionSql();
        SessionState session = new SessionState();
        long v = session.version();
        assertFalse(sql.executed("SET application_name = 'tx'", session, false));
        sql.rollback();
        assertEquals(v, session.version(), "rolled back: nothing carried");
        sql.executed("SET application_name = 'tx'", session, false);
        sql.commit(session);
        assertTrue(session.version() > v, "committed: carried");
    }
}
