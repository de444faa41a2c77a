package dev.awsjca.testkit;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * What every node of one cluster shares: the binaries, the OS user, the cluster's directory and its
 * superuser login. The password lives in a 0600 passfile for the servers' own connections (replication,
 * pg_rewind, dblink) so it never appears in a command line, a config file or a log.
 */
final class ClusterFiles {

    final PgBinaries binaries;
    final ServerUser user;
    final Path dir;
    final String superuser;
    private final String password;
    final Path passfile;

    ClusterFiles(PgBinaries binaries, ServerUser user, Path dir, String superuser, String password) {
        this.binaries = binaries;
        this.user = user;
        this.dir = dir;
        this.superuser = superuser;
        this.password = password;
        this.passfile = dir.resolve("pgpass");
        writePassfile(password);
    }

    /** The password the servers' own connections (replication, dblink, pg_rewind) log in with. */
    void writePassfile(String passwordForServers) {
        writePrivate(passfile, "*:*:*:" + escapePgpass(superuser) + ":" + escapePgpass(passwordForServers) + "\n");
    }

    String password() {
        return password;
    }

    /** Runs a PostgreSQL program as the server user. */
    String run(Duration timeout, String tool, String... args) {
        List<String> command = new java.util.ArrayList<>();
        command.add(binaries.tool(tool));
        command.addAll(List.of(args));
        return ProcessRunner.run(user.command(command), timeout, dir, Map.of("PGPASSFILE", passfile.toString()));
    }

    /** Writes a file readable only by its owner, then hands it to the server user. */
    void writePrivate(Path file, String text) {
        try {
            Files.deleteIfExists(file);
            Files.createFile(file, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
            Files.writeString(file, text, StandardCharsets.UTF_8);
            user.own(file);
        } catch (IOException e) {
            throw new TestkitException("could not write " + file + ": " + e.getMessage(), e);
        }
    }

    /** Writes a server file (config) and hands it to the server user. */
    void write(Path file, String text) {
        try {
            Files.writeString(file, text, StandardCharsets.UTF_8);
            user.own(file);
        } catch (IOException e) {
            throw new TestkitException("could not write " + file + ": " + e.getMessage(), e);
        }
    }

    void append(Path file, String text) {
        try {
            Files.writeString(file, text, StandardCharsets.UTF_8, java.nio.file.StandardOpenOption.APPEND);
        } catch (IOException e) {
            throw new TestkitException("could not write " + file + ": " + e.getMessage(), e);
        }
    }

    private static String escapePgpass(String s) {
        return s.replace("\\", "\\\\").replace(":", "\\:");
    }
}
