package dev.awsjca.testkit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** The command line, as a person uses it: each command a JVM of its own, the cluster kept by the daemon between them. */
@Timeout(180)
class CliTest {

    @TempDir
    Path home;

    @AfterEach
    void stopWhateverIsLeft() throws Exception {
        if (Files.exists(home.resolve("state.properties"))) {
            cli("stop");
        }
    }

    @Test
    void startStatusFaultsFailoverStop() throws Exception {
        Result start = cli("start", "--replicas", "1");
        assertEquals(0, start.exit, start.output);
        assertTrue(start.output.contains("node1") && start.output.contains("writer"), start.output);
        assertTrue(start.output.contains("instance host pattern: 127.0.0.?:"), start.output);

        Result again = cli("start");
        assertEquals(1, again.exit, "a second start is refused");
        assertTrue(again.output.contains("already running"), again.output);

        assertEquals(0, cli("blackhole", "node2").exit);
        assertTrue(cli("status").output.contains("fault=BLACKHOLE"));
        assertEquals(0, cli("heal", "node2").exit);
        assertFalse(cli("status").output.contains("fault="));

        Result failover = cli("failover");
        assertEquals(0, failover.exit, failover.output);
        assertTrue(failover.output.contains("node2 (instance 12) promoted"), failover.output);

        Result env = cli("env");
        assertTrue(env.output.contains("export PGPASSWORD="), env.output);
        assertFalse(cli("events").output.contains("PGPASSWORD"), "no password in the event log");

        Result unknown = cli("blackhole", "node7");
        assertEquals(1, unknown.exit);
        assertTrue(unknown.output.contains("no node 'node7'"), unknown.output);

        Result stop = cli("stop");
        assertEquals(0, stop.exit, stop.output);
        assertFalse(Files.exists(home.resolve("state.properties")));
        Result none = cli("status");
        assertEquals(1, none.exit);
        assertTrue(none.output.contains("no cluster is running"), none.output);
    }

    private record Result(int exit, String output) {
    }

    private Result cli(String... args) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of(ProcessHandle.current().info().command().orElse("java"), "-Xmx64m",
                "-cp", System.getProperty("java.class.path"), Cli.class.getName()));
        command.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true);
        pb.environment().put("TESTKIT_HOME", home.toString());
        Process p = pb.start();
        String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(120, TimeUnit.SECONDS), "command finished: " + String.join(" ", args));
        return new Result(p.exitValue(), output);
    }
}
