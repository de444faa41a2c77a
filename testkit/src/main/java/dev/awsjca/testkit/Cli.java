package dev.awsjca.testkit;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The command line: start a cluster in the background, then drive it by hand. See {@link #USAGE} and the
 * docs/TESTKIT.md. {@code start} leaves a daemon JVM running (it holds the fault proxies and endpoints); every other
 * command talks to it through the state file in {@link CliState#home()}.
 */
public final class Cli {

    static final String USAGE = """
            usage: testkit <command> [arguments]
              start [--replicas N] [--endpoint-lag-ms MS] [--flavor aurora|rds-multi-az|plain]
                                                            start a cluster in the background (default 2 replicas)
              status                                        nodes, roles, endpoints, faults
              env                                           shell exports for psql (PGHOST, PGPASSWORD, ...)
              events                                        every operation so far, with timings
              failover                                      crash the writer, promote the most advanced replica
              switchover [node]                             clean switchover; the old writer rejoins as a replica
              crash <node> | rejoin <node>                  stop a node at once | bring it back as a replica (pg_rewind)
              restart <node>                                reboot a node in place, keeping its role
              blackhole <node>                              hold the node's traffic (clients hang, no reset)
              latency <node> <ms>                           delay the node's replies
              cut <node>                                    reset the node's open connections
              swallow <node>                                requests reach the node, replies are dropped
              heal <node>|all                               end the faults
              stop                                          stop every server and remove the data
              measure [--runs N]                            time cluster start and failover (for docs/PERFORMANCE.md)
            nodes are named node1, node2, ... or by instance id (11, 12, ...)
            """;

    private Cli() {
    }

    public static void main(String[] args) throws Exception {
        if (args.length == 0 || args[0].equals("help") || args[0].equals("--help") || args[0].equals("-h")) {
            System.out.print(USAGE);
            return;
        }
        try {
            System.exit(run(args));
        } catch (TestkitException | IllegalArgumentException | IllegalStateException e) {
            System.err.println("testkit: " + e.getMessage());
            System.exit(1);
        }
    }

    private static int run(String[] args) throws Exception {
        List<String> rest = Arrays.asList(args).subList(1, args.length);
        switch (args[0]) {
            case "start":
                return start(rest);
            case "serve":
                CliDaemon.serve(builder(rest));
                return 0;
            case "measure":
                return Measure.run(intOption(rest, "--runs", 5));
            default:
                return send(String.join(" ", args));
        }
    }

    private static int start(List<String> options) throws Exception {
        PgCluster.Builder check = builder(options); // bad options fail here, not in the background
        check.spec();
        CliState running = CliState.read();
        if (running != null) {
            throw new IllegalStateException("a cluster is already running (daemon pid " + running.pid + "): 'testkit stop' first");
        }
        CliState.ensureHome();
        List<String> command = new ArrayList<>();
        if (Files.isExecutable(Path.of("/usr/bin/setsid"))) {
            command.add("/usr/bin/setsid"); // its own session: a Ctrl-C in this terminal later does not reach it
        }
        command.add(ProcessHandle.current().info().command().orElse("java"));
        command.add("-Xmx128m");
        command.add("-cp");
        command.add(System.getProperty("java.class.path"));
        command.add(Cli.class.getName());
        command.add("serve");
        command.addAll(options);
        Path log = CliState.daemonLog();
        Process daemon = new ProcessBuilder(command)
                .redirectErrorStream(true)
                .redirectOutput(log.toFile())
                .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")))
                .start();
        long deadline = System.nanoTime() + Duration.ofSeconds(120).toNanos();
        while (System.nanoTime() < deadline) {
            if (CliState.read() != null) {
                return send("status");
            }
            if (!daemon.isAlive()) {
                System.err.println("testkit: the cluster did not start; " + log + ":");
                System.err.println(Files.readString(log));
                return 1;
            }
            Thread.sleep(50);
        }
        throw new TestkitException("the cluster did not start within 120 s; see " + log);
    }

    /** Sends one command to the daemon and prints its answer. */
    private static int send(String command) throws IOException {
        CliState state = CliState.read();
        if (state == null) {
            throw new IllegalStateException("no cluster is running ('testkit start' starts one)");
        }
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), state.controlPort), 5000);
            PrintWriter out = new PrintWriter(s.getOutputStream(), true, StandardCharsets.UTF_8);
            out.println(state.token);
            out.println(command);
            BufferedReader in = new BufferedReader(new InputStreamReader(s.getInputStream(), StandardCharsets.UTF_8));
            String line;
            while ((line = in.readLine()) != null) {
                if (line.equals("OK")) {
                    return 0;
                }
                if (line.startsWith("ERROR ")) {
                    System.err.println("testkit: " + line.substring(6));
                    return 1;
                }
                System.out.println(line);
            }
        }
        System.err.println("testkit: the daemon closed the connection without an answer; see " + CliState.daemonLog());
        return 1;
    }

    static PgCluster.Builder builder(List<String> options) {
        PgCluster.Builder builder = PgCluster.builder();
        for (int i = 0; i < options.size(); i++) {
            String option = options.get(i);
            switch (option) {
                case "--replicas" -> builder.replicas(Integer.parseInt(value(options, ++i, option)));
                case "--endpoint-lag-ms" -> builder.endpointLag(Duration.ofMillis(Long.parseLong(value(options, ++i, option))));
                case "--flavor" -> builder.flavor(TopologyFlavor.valueOf(
                        value(options, ++i, option).toUpperCase(java.util.Locale.ROOT).replace('-', '_')));
                default -> throw new IllegalArgumentException("unknown option '" + option + "'\n" + USAGE);
            }
        }
        return builder;
    }

    private static int intOption(List<String> options, String name, int fallback) {
        int i = options.indexOf(name);
        return i < 0 ? fallback : Integer.parseInt(value(options, i + 1, name));
    }

    private static String value(List<String> options, int i, String option) {
        if (i >= options.size()) {
            throw new IllegalArgumentException(option + " needs a value");
        }
        return options.get(i);
    }
}
