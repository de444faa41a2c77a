package dev.awsjca.testkit;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * A data directory made once per JVM (and superuser name) and copied for every node of every cluster:
 * initdb and installing the Aurora topology functions take most of a cluster's start, and the result is
 * the same each time (one per superuser name and topology flavor). Each cluster then sets its own superuser
 * password. Removed at JVM exit (and by the
 * watchdog if the JVM is killed).
 */
final class InitdbTemplate {

    /** Keyed by superuser name and topology flavor: both are baked into the data directory. */
    private static final Map<String, InitdbTemplate> TEMPLATES = new HashMap<>();

    private final Path dir;
    private final Path dataDir;
    private final String password;

    private InitdbTemplate(Path dir, Path dataDir, String password) {
        this.dir = dir;
        this.dataDir = dataDir;
        this.password = password;
    }

    /** A stopped, cleanly shut down data directory whose superuser has {@link #password()}. */
    Path dataDir() {
        return dataDir;
    }

    /** The template's own superuser password, replaced in every cluster right after it starts. */
    String password() {
        return password;
    }

    static synchronized InitdbTemplate get(PgBinaries binaries, ServerUser user, String superuser, TopologyFlavor flavor) {
        String key = superuser + "/" + flavor;
        InitdbTemplate template = TEMPLATES.get(key);
        if (template == null || !Files.isDirectory(template.dataDir)) {
            template = build(binaries, user, superuser, flavor);
            TEMPLATES.put(key, template);
        }
        return template;
    }

    private static InitdbTemplate build(PgBinaries binaries, ServerUser user, String superuser, TopologyFlavor flavor) {
        Path dir;
        try {
            dir = Files.createTempDirectory("awsjca-pg-template-",
                    PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
            Files.writeString(dir.resolve("owner.pid"), ProcessHandle.current().pid() + "\n");
            user.own(dir);
        } catch (IOException e) {
            throw new TestkitException("could not create a directory under " + System.getProperty("java.io.tmpdir")
                    + ": " + e.getMessage(), e);
        }
        Watchdog.watch(dir, binaries, user);
        try {
            user.checkReachable(dir);
            String password = Passwords.random();
            ClusterFiles files = new ClusterFiles(binaries, user, dir, superuser, password);
            TestkitException last = null;
            for (int attempt = 1; attempt <= 3; attempt++) {
                int port = LoopbackPorts.freeOnAll(List.of("127.0.0.1"), -1);
                // node0: the watchdog stops any server in a node* directory of a dead JVM
                PgNode node = new PgNode(files, 0, "127.0.0.1", port, port);
                if (!Files.exists(node.dataDir())) {
                    initdb(files, node.dataDir());
                    // TCP only, here as in every cluster: /var/run/postgresql may not be writable
                    files.append(node.dataDir().resolve("postgresql.conf"), "\nunix_socket_directories = ''\n");
                }
                try {
                    node.start();
                } catch (TestkitException e) {
                    last = e; // most likely the port was taken meanwhile
                    continue;
                }
                try {
                    TopologyFunctions.install(node, flavor);
                } finally {
                    node.stop(); // a clean shutdown: every copy starts without crash recovery
                }
                return new InitdbTemplate(dir, node.dataDir(), password);
            }
            throw new TestkitException("could not prepare the initdb template: " + (last == null ? "" : last.getMessage()));
        } catch (RuntimeException e) {
            Directories.delete(dir);
            throw e;
        }
    }

    static void initdb(ClusterFiles files, Path dataDir) {
        Path pwfile = files.dir.resolve("initdb.pw");
        files.writePrivate(pwfile, files.password() + "\n");
        try {
            files.run(java.time.Duration.ofSeconds(120), "initdb", "-D", dataDir.toString(), "-U", files.superuser,
                    "--pwfile=" + pwfile, "--auth=scram-sha-256", "--encoding=UTF8", "--locale=C", "--no-sync",
                    // 1 MB WAL segments instead of 16: every node starts as a copy of this directory, and the
                    // preallocated first segment was 40% of what each copy had to write
                    "--wal-segsize=1");
        } finally {
            try {
                Files.deleteIfExists(pwfile);
            } catch (IOException ignored) {
                // removed with the directory
            }
        }
    }

    /** At JVM exit, after the clusters. */
    static synchronized void deleteAll() {
        List<InitdbTemplate> all = new ArrayList<>(TEMPLATES.values());
        TEMPLATES.clear();
        for (InitdbTemplate t : all) {
            Directories.delete(t.dir);
        }
    }
}
