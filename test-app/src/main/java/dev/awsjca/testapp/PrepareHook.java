package dev.awsjca.testapp;

import javax.transaction.xa.XAException;
import javax.transaction.xa.XAResource;
import javax.transaction.xa.Xid;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * The TM test hook: a second resource in the transaction, enlisted after the adapter's, whose prepare
 * waits until the test says go. The adapter's branch is prepared by then, so the test can crash the
 * writer (or lock the application out) exactly between prepare and commit.
 */
public final class PrepareHook implements XAResource {

    private static volatile CountDownLatch waiting = new CountDownLatch(1);
    private static volatile CountDownLatch release = new CountDownLatch(1);

    public static void arm() {
        waiting = new CountDownLatch(1);
        release = new CountDownLatch(1);
    }

    public static boolean isWaiting() {
        return waiting.getCount() == 0;
    }

    public static void release() {
        release.countDown();
    }

    @Override
    public int prepare(Xid xid) throws XAException {
        waiting.countDown();
        try {
            if (!release.await(60, TimeUnit.SECONDS)) {
                throw new XAException(XAException.XA_RBTIMEOUT);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new XAException(XAException.XA_RBOTHER);
        }
        return XA_OK;
    }

    @Override
    public void commit(Xid xid, boolean onePhase) {
    }

    @Override
    public void rollback(Xid xid) {
    }

    @Override
    public void start(Xid xid, int flags) {
    }

    @Override
    public void end(Xid xid, int flags) {
    }

    @Override
    public void forget(Xid xid) {
    }

    @Override
    public Xid[] recover(int flag) {
        return new Xid[0];
    }

    @Override
    public boolean isSameRM(XAResource other) {
        return other == this;
    }

    @Override
    public int getTransactionTimeout() {
        return 0;
    }

    @Override
    public boolean setTransactionTimeout(int seconds) {
        return false;
    }
}
