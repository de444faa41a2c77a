package dev.awsjca.testkit;

import java.io.IOException;
import java.io.Reader;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Properties;

/**
 * Where the command line finds the cluster it started: a 0600 file with the daemon's pid, its control
 * port and the token every control request must carry (so other local users cannot drive the cluster).
 * The directory is {@code $TESTKIT_HOME}, else {@code <tmp>/awsjca-testkit-<user>}.
 */
final class CliState {

    final long pid;
    final int controlPort;
    final String token;

    CliState(long pid, int controlPort, String token) {
        this.pid = pid;
        this.controlPort = controlPort;
        this.token = token;
    }

    static Path home() {
        String env = System.getenv("TESTKIT_HOME");
        if (env != null && !env.isBlank()) {
            return Path.of(env);
        }
        return Path.of(System.getProperty("java.io.tmpdir"), "awsjca-testkit-" + System.getProperty("user.name"));
    }

    static Path file() {
        return home().resolve("state.properties");
    }

    static Path daemonLog() {
        return home().resolve("daemon.log");
    }

    /** The state of a running daemon, or null when there is none (no file, or its process is gone). */
    static CliState read() {
        Path file = file();
        if (!Files.exists(file)) {
            return null;
        }
        Properties p = new Properties();
        try (Reader r = Files.newBufferedReader(file)) {
            p.load(r);
        } catch (IOException e) {
            throw new TestkitException("could not read " + file + ": " + e.getMessage(), e);
        }
        CliState state = new CliState(Long.parseLong(p.getProperty("pid")), Integer.parseInt(p.getProperty("controlPort")),
                p.getProperty("token"));
        if (ProcessHandle.of(state.pid).map(ProcessHandle::isAlive).orElse(false)) {
            return state;
        }
        delete(); // a daemon killed without cleanup
        return null;
    }

    /** The state directory, private to this user: the state file holds the control token. */
    static Path ensureHome() {
        try {
            Files.createDirectories(home(), PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
            Files.setPosixFilePermissions(home(), PosixFilePermissions.fromString("rwx------"));
            return home();
        } catch (IOException e) {
            throw new TestkitException("could not create " + home() + ": " + e.getMessage(), e);
        }
    }

    void write() {
        Properties p = new Properties();
        p.setProperty("pid", String.valueOf(pid));
        p.setProperty("controlPort", String.valueOf(controlPort));
        p.setProperty("token", token);
        try {
            ensureHome();
            StringWriter text = new StringWriter();
            p.store(text, "testkit daemon (written by dev.awsjca.testkit.Cli)");
            Path tmp = Files.createTempFile(home(), "state", ".tmp",
                    PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
            Files.writeString(tmp, text.toString());
            Files.move(tmp, file(), java.nio.file.StandardCopyOption.REPLACE_EXISTING, java.nio.file.StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            throw new TestkitException("could not write " + file() + ": " + e.getMessage(), e);
        }
    }

    static void delete() {
        try {
            Files.deleteIfExists(file());
        } catch (IOException ignored) {
            // a stale file is detected by its dead pid next time
        }
    }
}
