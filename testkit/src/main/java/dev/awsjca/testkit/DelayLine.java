package dev.awsjca.testkit;

import java.io.IOException;
import java.io.OutputStream;
import java.util.Arrays;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;

/**
 * Delivers reply bytes each a fixed time after they were read, without holding up the reading: a reply
 * that arrives in several chunks is delayed once, not once per chunk. Its thread starts with the first
 * delayed chunk, so connections without latency never have one.
 */
final class DelayLine {

    private record Chunk(long dueNanos, byte[] bytes) {
    }

    private final BlockingQueue<Chunk> queue = new LinkedBlockingQueue<>();
    private final OutputStream out;
    private final Gate gate;
    private final Runnable onFailure;
    private final String threadName;
    private Thread thread;
    /** Chunks queued or being written: the pump writes directly only when this is 0, so order is kept. */
    private int inFlight;

    /** Blocks while the proxy holds traffic; false when the connection is gone. */
    interface Gate {
        boolean awaitTrafficFlows() throws InterruptedException;
    }

    DelayLine(OutputStream out, Gate gate, Runnable onFailure, String threadName) {
        this.out = out;
        this.gate = gate;
        this.onFailure = onFailure;
        this.threadName = threadName;
    }

    synchronized boolean isIdle() {
        return inFlight == 0;
    }

    synchronized void send(long dueNanos, byte[] buffer, int length) {
        inFlight++;
        queue.add(new Chunk(dueNanos, Arrays.copyOf(buffer, length)));
        if (thread == null) {
            thread = new Thread(this::deliver, threadName);
            thread.setDaemon(true);
            thread.start();
        }
    }

    /** Waits until everything queued is written (before the pump passes on an end of stream). */
    synchronized void drain() throws InterruptedException {
        while (inFlight > 0) {
            wait();
        }
    }

    synchronized void stop() {
        if (thread != null) {
            thread.interrupt();
        }
        inFlight = 0;
        notifyAll();
    }

    private void deliver() {
        try {
            while (true) {
                Chunk chunk = queue.take();
                long wait = chunk.dueNanos() - System.nanoTime();
                if (wait > 0) {
                    Thread.sleep(wait / 1_000_000L, (int) (wait % 1_000_000L));
                }
                if (!gate.awaitTrafficFlows()) {
                    return;
                }
                out.write(chunk.bytes());
                out.flush();
                synchronized (this) {
                    inFlight--;
                    notifyAll();
                }
            }
        } catch (InterruptedException e) {
            // the connection is closing
        } catch (IOException e) {
            onFailure.run();
        }
    }
}
