package dev.awsjca.testkit;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.GroupPrincipal;
import java.nio.file.attribute.PosixFileAttributeView;
import java.nio.file.attribute.UserPrincipal;
import java.nio.file.attribute.UserPrincipalLookupService;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/**
 * The OS user the servers run as. PostgreSQL refuses to run as root, so when this JVM is root the servers
 * run as the unprivileged {@code postgres} user (through {@code runuser}) and every file the JVM writes
 * for them is handed over to that user; otherwise they run as the current user.
 */
final class ServerUser {

    private static final String SERVICE_USER = "postgres";

    private final boolean switchUser;
    private final UserPrincipal owner;
    private final GroupPrincipal group;

    private ServerUser(boolean switchUser, UserPrincipal owner, GroupPrincipal group) {
        this.switchUser = switchUser;
        this.owner = owner;
        this.group = group;
    }

    static ServerUser detect() {
        boolean root = "root".equals(System.getProperty("user.name"));
        if (!root) {
            return new ServerUser(false, null, null);
        }
        try {
            UserPrincipalLookupService lookup = Path.of("/").getFileSystem().getUserPrincipalLookupService();
            return new ServerUser(true, lookup.lookupPrincipalByName(SERVICE_USER),
                    lookup.lookupPrincipalByGroupName(SERVICE_USER));
        } catch (IOException e) {
            throw new TestkitException("This JVM runs as root and PostgreSQL refuses to run as root, but there is no '"
                    + SERVICE_USER + "' OS user to run it as (Debian's postgresql-15 package creates it): " + e.getMessage(), e);
        }
    }

    /** The command line that runs {@code command} as the server user. */
    List<String> command(List<String> command) {
        if (!switchUser) {
            return command;
        }
        List<String> wrapped = new ArrayList<>(List.of("runuser", "-u", SERVICE_USER, "--"));
        wrapped.addAll(command);
        return wrapped;
    }

    /**
     * Fails clearly when the server user could not reach a directory the JVM made for it: the servers run
     * as another user only when the JVM is root, and root's temp dir may sit under a private home.
     */
    void checkReachable(Path dir) {
        if (!switchUser) {
            return;
        }
        for (Path p = dir.toAbsolutePath().getParent(); p != null; p = p.getParent()) {
            try {
                if (!Files.getPosixFilePermissions(p).contains(java.nio.file.attribute.PosixFilePermission.OTHERS_EXECUTE)) {
                    throw new TestkitException("the '" + SERVICE_USER + "' user cannot reach " + dir + " (" + p
                            + " is not searchable by others); run with -Djava.io.tmpdir=/tmp or another directory it can reach");
                }
            } catch (IOException e) {
                throw new TestkitException("could not check " + p + ": " + e.getMessage(), e);
            }
        }
    }

    /** Hands a file or directory (recursively) to the server user when the JVM is root. */
    void own(Path path) {
        if (!switchUser) {
            return;
        }
        try (Stream<Path> all = Files.walk(path)) {
            for (Path p : (Iterable<Path>) all::iterator) {
                PosixFileAttributeView view = Files.getFileAttributeView(p, PosixFileAttributeView.class,
                        LinkOption.NOFOLLOW_LINKS);
                view.setOwner(owner);
                view.setGroup(group);
            }
        } catch (IOException e) {
            throw new TestkitException("could not hand " + path + " to the '" + SERVICE_USER + "' user: " + e.getMessage(), e);
        }
    }
}
