package dev.awsjca.payara;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * The tests' own Payara domain, driven with asadmin as a user drives it. It is made once per build (a
 * create-domain costs 20-40 s) as a template, patched before its first start so that it calls nothing
 * outside this machine (no phone-home, no Hazelcast data grid, every listener on 127.0.0.1), copied fresh
 * for each run, and started once for the whole suite; a shutdown hook stops it. The distribution's own
 * domain1 is never started.
 */
final class PayaraDomain {

    static final String NAME = "awsjca";

    private static PayaraDomain running;

    private final Path home = Path.of(System.getProperty("payara.home", "target/payara6"));
    private final Path work = Path.of(System.getProperty("payara.work", "target/payara-work")).toAbsolutePath();
    private final int portBase = Integer.getInteger("payara.portbase", 15000);

    private PayaraDomain() {
    }

    /** The domain, started on first use. */
    static synchronized PayaraDomain get() {
        if (running == null) {
            PayaraDomain domain = new PayaraDomain();
            domain.start();
            Runtime.getRuntime().addShutdownHook(new Thread(domain::stop, "payara-stop"));
            running = domain;
        }
        return running;
    }

    int adminPort() {
        return portBase + 48;
    }

    int httpPort() {
        return portBase + 80;
    }

    URL http(String contextRoot) {
        try {
            return new URL("http://127.0.0.1:" + httpPort() + "/" + contextRoot + "/");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    Path domainDir() {
        return work.resolve("domains").resolve(NAME);
    }

    Path serverLog() {
        return domainDir().resolve("logs").resolve("server.log");
    }

    /** The server JVM's process id. */
    long pid() {
        try {
            return Long.parseLong(Files.readString(domainDir().resolve("config").resolve("pid")).trim());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    // ---- asadmin

    /** A remote command against this domain's admin port; fails the test with asadmin's output unless it succeeds. */
    String asadmin(String... args) {
        Result r = tryAsadmin(args);
        if (r.exitCode() != 0) {
            throw new AssertionError("asadmin " + String.join(" ", args) + " failed (" + r.exitCode() + "):\n" + r.output());
        }
        return r.output();
    }

    /** A remote command against this domain's admin port, whatever its outcome. */
    Result tryAsadmin(String... args) {
        List<String> command = new ArrayList<>(List.of("--host", "127.0.0.1", "--port", String.valueOf(adminPort()),
                "--interactive=false"));
        command.addAll(List.of(args));
        return run(command);
    }

    record Result(int exitCode, String output) {
    }

    private Result run(List<String> args) {
        List<String> command = new ArrayList<>();
        command.add(home.resolve("bin").resolve("asadmin").toString());
        command.addAll(args);
        ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true);
        // asadmin writes ~/.gfclient and ~/.asadmintruststore: a home of its own, not the user's
        pb.environment().put("AS_EXTRA_JAVA_OPTS", "-Duser.home=" + work.resolve("home"));
        pb.environment().put("AWS_EC2_METADATA_DISABLED", "true");
        try {
            Process p = pb.start();
            p.getOutputStream().close();
            byte[] out = p.getInputStream().readAllBytes();
            if (!p.waitFor(5, TimeUnit.MINUTES)) {
                p.destroyForcibly();
                throw new AssertionError("asadmin " + args + " did not end");
            }
            return new Result(p.exitValue(), new String(out, StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }

    // ---- lifecycle

    private void start() {
        Path template = work.resolve("template");
        if (!Files.exists(template.resolve(NAME).resolve("config").resolve(PATCHED_MARK))) {
            delete(template);
            Result created = run(List.of("create-domain", "--domaindir", template.toString(), "--portbase",
                    String.valueOf(portBase), "--nopassword", NAME));
            if (created.exitCode() != 0) {
                throw new AssertionError("create-domain failed:\n" + created.output());
            }
            patchForThisMachine(template.resolve(NAME).resolve("config").resolve("domain.xml"));
        }
        if (listening(adminPort())) {
            // an earlier run of ours that was not stopped (a killed build): stop it before replacing its files
            run(List.of("stop-domain", "--domaindir", work.resolve("domains").toString(), NAME));
        }
        delete(work.resolve("domains"));
        copy(template.resolve(NAME), domainDir());
        Result started = run(List.of("start-domain", "--domaindir", work.resolve("domains").toString(), NAME));
        if (started.exitCode() != 0) {
            throw new AssertionError("start-domain failed:\n" + started.output());
        }
    }

    void stop() {
        run(List.of("stop-domain", "--domaindir", work.resolve("domains").toString(), NAME));
    }

    /** Kills the server JVM as a crash would: SIGKILL, no shutdown, its transaction log as it was. */
    void kill() {
        ProcessHandle server = ProcessHandle.of(pid()).orElseThrow(() -> new AssertionError("no Payara process " + pid()));
        server.destroyForcibly();
        try {
            server.onExit().get(60, TimeUnit.SECONDS);
        } catch (Exception e) {
            throw new AssertionError("the Payara JVM did not die within 60 s of SIGKILL", e);
        }
    }

    /** Starts the domain again as it was left (with automatic-recovery on, transaction recovery runs at start). */
    void startAgain() {
        Result started = run(List.of("start-domain", "--domaindir", work.resolve("domains").toString(), NAME));
        if (started.exitCode() != 0) {
            throw new AssertionError("start-domain failed:\n" + started.output());
        }
    }

    private static final String PATCHED_MARK = "awsjca-patched-2"; // a new mark when the patch changes

    /**
     * Before the first start: nothing may leave this machine. A stock domain phones home to its vendor at
     * start and runs a Hazelcast data grid on a real interface; its listeners bind 0.0.0.0.
     */
    static void patchForThisMachine(Path domainXml) {
        try {
            String xml = Files.readString(domainXml);
            String patched = DomainXmlPatch.apply(xml);
            Files.writeString(domainXml, patched);
            Files.writeString(domainXml.resolveSibling(PATCHED_MARK), "");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static boolean listening(int port) {
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress("127.0.0.1", port), 500);
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    private static void delete(Path dir) {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(dir)) {
            for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(p);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static void copy(Path from, Path to) {
        try (Stream<Path> paths = Files.walk(from)) {
            for (Path p : paths.toList()) {
                Path target = to.resolve(from.relativize(p).toString());
                if (Files.isDirectory(p)) {
                    Files.createDirectories(target);
                } else {
                    Files.copy(p, target, StandardCopyOption.COPY_ATTRIBUTES);
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
