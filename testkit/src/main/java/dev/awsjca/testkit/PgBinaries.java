package dev.awsjca.testkit;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * Finds the PostgreSQL server binaries (initdb, pg_ctl, postgres, pg_rewind) on this machine.
 * Search order: the {@code PG_BIN} environment variable, {@code pg_config --bindir}, then the newest
 * {@code /usr/lib/postgresql/<version>/bin} (Debian's layout).
 */
public final class PgBinaries {

    private static final String[] REQUIRED = {"initdb", "pg_ctl", "postgres", "pg_rewind"};
    private static volatile PgBinaries found;

    private final Path binDir;

    private PgBinaries(Path binDir) {
        this.binDir = binDir;
    }

    /** The binaries of this machine, searched once per JVM. */
    public static PgBinaries find() {
        PgBinaries result = found;
        if (result == null) {
            result = new PgBinaries(locate(System.getenv("PG_BIN"), PgBinaries::pgConfigBinDir, Path.of("/usr/lib/postgresql")));
            found = result;
        }
        return result;
    }

    public Path binDir() {
        return binDir;
    }

    /** The absolute path of one program, e.g. {@code tool("pg_ctl")}. */
    public String tool(String name) {
        return binDir.resolve(name).toString();
    }

    /** The search, with its three places as parameters so a test can point them elsewhere. */
    static Path locate(String env, java.util.function.Supplier<Path> pgConfig, Path debian) {
        List<String> tried = new ArrayList<>();
        if (env != null && !env.isBlank()) {
            Path dir = Path.of(env);
            if (complete(dir)) {
                return dir;
            }
            tried.add("PG_BIN=" + env + " (missing " + String.join("/", REQUIRED) + ")");
        }
        Path fromPgConfig = pgConfig.get();
        if (fromPgConfig != null) {
            if (complete(fromPgConfig)) {
                return fromPgConfig;
            }
            tried.add("pg_config --bindir=" + fromPgConfig);
        } else {
            tried.add("pg_config (not on PATH)");
        }
        if (Files.isDirectory(debian)) {
            try (Stream<Path> versions = Files.list(debian)) {
                // newest major version first: "15" sorts after "9" only numerically
                List<Path> dirs = versions.map(v -> v.resolve("bin"))
                        .filter(PgBinaries::complete)
                        .sorted(Comparator.comparingInt(PgBinaries::majorVersion).reversed())
                        .toList();
                if (!dirs.isEmpty()) {
                    return dirs.get(0);
                }
            } catch (IOException e) {
                tried.add(debian + " (" + e.getMessage() + ")");
            }
        }
        tried.add(debian + "/*/bin");
        throw new IllegalStateException("No PostgreSQL server binaries found (tried: " + String.join(", ", tried)
                + "). Install them (Debian/Ubuntu: apt-get install postgresql-15 postgresql-client-15, "
                + "or run scripts/ensure-postgresql.sh) or set PG_BIN to the directory holding initdb and pg_ctl.");
    }

    private static int majorVersion(Path binDir) {
        try {
            return Integer.parseInt(binDir.getParent().getFileName().toString());
        } catch (NumberFormatException e) {
            return 0;
        }
    }

    private static boolean complete(Path dir) {
        for (String tool : REQUIRED) {
            if (!Files.isExecutable(dir.resolve(tool))) {
                return false;
            }
        }
        return true;
    }

    private static Path pgConfigBinDir() {
        try {
            Process p = new ProcessBuilder("pg_config", "--bindir").redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes()).trim();
            if (p.waitFor(10, TimeUnit.SECONDS) && p.exitValue() == 0 && !out.isEmpty()) {
                return Path.of(out);
            }
        } catch (IOException e) {
            return null; // not installed: fall through to the next place
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return null;
    }
}
