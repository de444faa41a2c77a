package dev.awsjca.testkit;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** A JVM killed with SIGKILL runs no shutdown hook: the watchdog still stops its servers. */
@Timeout(120)
class WatchdogTest {

    @Test
    void serversOfAKilledJvmAreStopped() throws Exception {
        Process jvm = new ProcessBuilder(ProcessHandle.current().info().command().orElse("java"), "-Xmx64m",
                "-cp", System.getProperty("java.class.path"), OrphanedClusterMain.class.getName())
                .redirectError(ProcessBuilder.Redirect.DISCARD)
                .start();
        String line;
        try (BufferedReader out = new BufferedReader(new InputStreamReader(jvm.getInputStream()))) {
            line = out.readLine();
        } finally {
            jvm.destroyForcibly(); // SIGKILL
        }
        assertNotNull(line, "the other JVM started a cluster");
        String[] parts = line.split(" ");
        Path dir = Path.of(parts[0]);
        String host = parts[1];
        int serverPort = Integer.parseInt(parts[2]);
        jvm.waitFor();

        long deadline = System.nanoTime() + 60_000_000_000L;
        while ((Files.exists(dir) || accepts(host, serverPort)) && System.nanoTime() < deadline) {
            Thread.sleep(100);
        }
        assertFalse(Files.exists(dir), "cluster directory removed");
        assertFalse(accepts(host, serverPort), "server stopped");
    }

    private static boolean accepts(String host, int port) {
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress(host, port), 1000);
            return true;
        } catch (IOException e) {
            return false;
        }
    }
}
