package dev.awsjca.plugins.aws;

import java.util.ArrayList;
import java.util.List;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;

/** Every log record of the JVM while installed (at every level), to check that no secret ever appears. */
public final class LogCapture extends Handler implements AutoCloseable {

    private final List<String> lines = new ArrayList<>();
    private final Logger root = Logger.getLogger("");
    private final Level previous = root.getLevel();
    private boolean paused;

    public static LogCapture install() {
        LogCapture capture = new LogCapture();
        capture.setLevel(Level.ALL);
        capture.root.setLevel(Level.ALL);
        capture.root.addHandler(capture);
        return capture;
    }

    @Override
    public synchronized void publish(LogRecord r) {
        if (paused) {
            return;
        }
        StringBuilder b = new StringBuilder(String.valueOf(r.getMessage()));
        if (r.getParameters() != null) {
            for (Object p : r.getParameters()) {
                b.append(' ').append(p);
            }
        }
        for (Throwable t = r.getThrown(); t != null; t = t.getCause()) {
            b.append(' ').append(t);
        }
        lines.add(b.toString());
    }

    /** Runs the test's own setup (which may write passwords in SQL) without recording it. */
    public void untraced(Runnable setup) {
        synchronized (this) {
            paused = true;
        }
        try {
            setup.run();
        } finally {
            synchronized (this) {
                paused = false;
            }
        }
    }

    /** The lines that contain any of the values. */
    public synchronized List<String> linesContaining(List<String> values) {
        return lines.stream().filter(l -> values.stream().anyMatch(l::contains)).toList();
    }

    public synchronized int size() {
        return lines.size();
    }

    @Override
    public void flush() {
    }

    @Override
    public void close() {
        root.removeHandler(this);
        root.setLevel(previous);
    }
}
