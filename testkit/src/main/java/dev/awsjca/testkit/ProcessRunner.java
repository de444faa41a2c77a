package dev.awsjca.testkit;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/** Runs a short-lived program to completion and fails with its output when it fails. */
final class ProcessRunner {

    private ProcessRunner() {
    }

    /**
     * Runs {@code command}; output goes to a scratch file rather than a pipe, because pg_ctl leaves a
     * server process behind that could otherwise keep the pipe open and block the reader.
     */
    static String run(List<String> command, Duration timeout, Path scratchDir, Map<String, String> env) {
        Path out = null;
        try {
            out = Files.createTempFile(scratchDir, "cmd-", ".out");
            ProcessBuilder pb = new ProcessBuilder(command)
                    .redirectErrorStream(true)
                    .redirectOutput(out.toFile())
                    .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")));
            pb.environment().putAll(env);
            Process p = pb.start();
            if (!p.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                p.destroyForcibly();
                throw new TestkitException(describe(command) + " did not finish within " + timeout.toSeconds() + " s: "
                        + Files.readString(out, StandardCharsets.UTF_8));
            }
            String text = Files.readString(out, StandardCharsets.UTF_8);
            if (p.exitValue() != 0) {
                throw new TestkitException(describe(command) + " failed (exit " + p.exitValue() + "): " + text.trim());
            }
            return text;
        } catch (IOException e) {
            throw new TestkitException("could not run " + describe(command) + ": " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new TestkitException("interrupted while running " + describe(command), e);
        } finally {
            if (out != null) {
                try {
                    Files.deleteIfExists(out);
                } catch (IOException ignored) {
                    // scratch file in a directory removed with the cluster
                }
            }
        }
    }

    /** The program and its arguments; no secret is ever passed on a command line, so this is safe to show. */
    static String describe(List<String> command) {
        return String.join(" ", command);
    }
}
