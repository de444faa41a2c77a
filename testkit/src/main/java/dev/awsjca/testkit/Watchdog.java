package dev.awsjca.testkit;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Stops a cluster's servers when the JVM that started it dies without running its shutdown hook (kill -9,
 * a surefire fork killed on timeout). A small shell process in its own session polls the JVM's pid once a
 * second; when the JVM is gone it stops every server immediately and removes the cluster's directory. After
 * a normal close there is nothing left for it to do and it exits within a second of the JVM.
 */
final class Watchdog {

    private static final System.Logger LOG = System.getLogger(Watchdog.class.getName());

    // $1 = pid to watch, $2 = cluster directory, $3 = pg_ctl, $4 = keep|delete, $5... = the prefix that runs
    // as the server user
    private static final String SCRIPT = """
            pid=$1; dir=$2; pgctl=$3; keep=$4; shift 4
            while kill -0 "$pid" 2>/dev/null; do
              [ -d "$dir" ] || exit 0
              sleep 1
            done
            for d in "$dir"/node*; do
              [ -f "$d/postmaster.pid" ] && "$@" "$pgctl" -D "$d" -m immediate -w -t 30 stop >/dev/null 2>&1
            done
            [ "$keep" = keep ] || rm -rf "$dir"
            """;

    private Watchdog() {
    }

    static void watch(Path clusterDir, PgBinaries binaries, ServerUser user) {
        List<String> command = new ArrayList<>();
        if (Files.isExecutable(Path.of("/usr/bin/setsid"))) {
            command.add("/usr/bin/setsid"); // a Ctrl-C to the build's process group must not kill the watchdog too
        }
        command.addAll(List.of("/bin/sh", "-c", SCRIPT, "testkit-watchdog", String.valueOf(ProcessHandle.current().pid()),
                clusterDir.toString(), binaries.tool("pg_ctl"), PgCluster.KEEP_DATA ? "keep" : "delete"));
        command.addAll(user.command(List.of()));
        try {
            new ProcessBuilder(command)
                    .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
                    .redirectOutput(ProcessBuilder.Redirect.DISCARD)
                    .redirectError(ProcessBuilder.Redirect.DISCARD)
                    .start();
        } catch (IOException e) {
            // not fatal: close() and the shutdown hook still stop the servers in every ordinary case
            LOG.log(System.Logger.Level.WARNING, "no watchdog for {0}: {1}", clusterDir, e.getMessage());
        }
    }
}
