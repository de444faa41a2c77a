package dev.awsjca.payara;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;

/**
 * The sockets a process holds that are not on the loopback interface, read from /proc: its descriptors
 * name socket inodes, and the namespace's tcp/udp tables give each inode's local and remote address.
 */
final class Sockets {

    private Sockets() {
    }

    /** "proto local -> remote" for each TCP/UDP socket of {@code pid} with a non-loopback address. */
    static List<String> nonLoopback(long pid) {
        Set<String> inodes = socketInodes(pid);
        List<String> found = new ArrayList<>();
        for (String table : List.of("tcp", "tcp6", "udp", "udp6")) {
            Path file = Path.of("/proc", String.valueOf(pid), "net", table);
            if (!Files.exists(file)) {
                continue;
            }
            try {
                List<String> lines = Files.readAllLines(file);
                for (String line : lines.subList(1, lines.size())) {
                    String[] f = line.trim().split("\\s+");
                    if (f.length > 9 && inodes.contains(f[9])) {
                        String local = f[1].substring(0, f[1].indexOf(':'));
                        String remote = f[2].substring(0, f[2].indexOf(':'));
                        // a listening or unconnected socket has an all-zero remote: its local address decides
                        boolean ok = isLoopback(local) && (isZero(remote) || isLoopback(remote));
                        if (!ok) {
                            found.add(table + " " + f[1] + " -> " + f[2]);
                        }
                    }
                }
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        return found;
    }

    /** How many sockets {@code pid} holds at all (to show the check saw something). */
    static int count(long pid) {
        return socketInodes(pid).size();
    }

    private static Set<String> socketInodes(long pid) {
        Set<String> inodes = new HashSet<>();
        try (Stream<Path> fds = Files.list(Path.of("/proc", String.valueOf(pid), "fd"))) {
            for (Path fd : fds.toList()) {
                try {
                    String target = Files.readSymbolicLink(fd).toString();
                    if (target.startsWith("socket:[")) {
                        inodes.add(target.substring(8, target.length() - 1));
                    }
                } catch (IOException e) {
                    // the descriptor closed meanwhile
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return inodes;
    }

    static boolean isZero(String hex) {
        return hex.chars().allMatch(c -> c == '0');
    }

    /** 127.0.0.0/8, ::1 or ::ffff:127.x.x.x, in /proc's little-endian hex. */
    static boolean isLoopback(String hex) {
        if (hex.length() == 8) {
            return hex.endsWith("7F");
        }
        return hex.equals("00000000000000000000000001000000")
                || (hex.startsWith("0000000000000000FFFF0000") && hex.endsWith("7F"));
    }
}
