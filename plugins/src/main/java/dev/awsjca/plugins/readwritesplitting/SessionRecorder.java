package dev.awsjca.plugins.readwritesplitting;

import dev.awsjca.plugins.sql.SessionSql;

import dev.awsjca.pipeline.JdbcCall;
import dev.awsjca.pipeline.JdbcMethod;
import dev.awsjca.pipeline.PluginContext;
import dev.awsjca.pipeline.SessionState;

import java.sql.SQLException;

/**
 * What each call of the logical connection leaves behind once it ran: the session record (setters, and
 * parameters set with SQL, which a transaction holds back until its commit), which physical connection
 * already has the session as recorded (so that the next switch skips a round trip), and read-after-write's
 * record of this connection's last write.
 *
 * <p>Guarded by the plugin's lock: it is called only from the plugin's {@code execute}, which holds it.
 */
final class SessionRecorder {

    private final PluginContext context;
    private final SessionState session;
    private final SessionSync sync;
    private final ReadAfterWrite readAfterWrite;
    private final SessionSql sqlSession = new SessionSql(); // SET/RESET statements, carried like setters

    SessionRecorder(PluginContext context, SessionState session, SessionSync sync, ReadAfterWrite readAfterWrite) {
        this.context = context;
        this.session = session;
        this.sync = sync;
        this.readAfterWrite = readAfterWrite;
    }

    /** {@code call} succeeded on the current physical connection; {@code onReader}: that is the reader connection. */
    void succeeded(JdbcCall<?> call, boolean onReader) throws SQLException {
        JdbcMethod m = call.method();
        if (SessionState.isSetter(m)) {
            boolean wasInSync = sync.inSync(context.currentConnection(), session);
            session.record(call);
            if (wasInSync) {
                sync.synced(context.currentConnection(), session); // the setter went to this connection itself
            }
            if (m == JdbcMethod.CONNECTION_SET_AUTO_COMMIT) {
                readAfterWrite.commitOrAutoCommitEnded(context.currentConnection(), onReader, call);
            }
        } else if (m == JdbcMethod.CONNECTION_COMMIT) {
            readAfterWrite.committed(context.currentConnection(), onReader);
            sqlSession.commit(session);
        } else if (m == JdbcMethod.CONNECTION_ROLLBACK && call.args().length == 0) {
            readAfterWrite.transactionEnded();
            sqlSession.rollback();
        } else if (ReadWriteSplittingPlugin.isExecute(m)) {
            String sql = call.sql();
            if (sql != null) {
                boolean synced = sync.inSync(context.currentConnection(), session);
                if (sqlSession.executed(sql, session, session.autoCommit()) && synced) {
                    sync.synced(context.currentConnection(), session);
                }
            }
            if (!onReader) {
                readAfterWrite.executedOnWriter(context.currentConnection(), session.autoCommit(), sql);
            }
        }
    }

    /** A call failed: a commit that failed ended its transaction all the same, so its writes are not waited for. */
    void failed(JdbcMethod m) {
        if (m == JdbcMethod.CONNECTION_COMMIT) {
            readAfterWrite.transactionEnded();
        }
    }
}
