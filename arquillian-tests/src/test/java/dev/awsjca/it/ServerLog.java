package dev.awsjca.it;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** The test server's server.log from the point the tests began (the unpacked server may hold older runs). */
final class ServerLog {

    private static long start = -1;

    private ServerLog() {
    }

    private static Path file() {
        return Path.of(System.getProperty("jboss.home"), "standalone", "log", "server.log");
    }

    static synchronized void mark() {
        if (start < 0) {
            try {
                start = Files.exists(file()) ? Files.size(file()) : 0;
            } catch (IOException e) {
                start = 0;
            }
        }
    }

    /** Where the log ends now. */
    static long position() throws IOException {
        return Files.exists(file()) ? Files.size(file()) : 0;
    }

    /** Lines at level ERROR (or a SEVERE from java.util.logging) written since the mark. */
    static List<String> errorsSinceMark() throws IOException {
        return errorsSince(start);
    }

    /** Lines at level ERROR (or a SEVERE from java.util.logging) written since {@code position}. */
    static List<String> errorsSince(long position) throws IOException {
        List<String> errors = new ArrayList<>();
        try (RandomAccessFile f = new RandomAccessFile(file().toFile(), "r")) {
            long from = position <= f.length() ? Math.max(position, 0) : 0; // rotated: read it all
            byte[] bytes = new byte[(int) (f.length() - from)];
            f.seek(from);
            f.readFully(bytes);
            for (String line : new String(bytes, StandardCharsets.UTF_8).split("\n")) {
                if (line.contains(" ERROR ") || line.contains("SEVERE")) {
                    errors.add(line);
                }
            }
        }
        return errors;
    }
}
