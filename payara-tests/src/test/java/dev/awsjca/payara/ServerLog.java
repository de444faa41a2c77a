package dev.awsjca.payara;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;

/** The test domain's server.log (Payara's format: one record starts "[time] [Payara ...] [LEVEL]"). */
final class ServerLog {

    private ServerLog() {
    }

    private static Path file() {
        return PayaraDomain.get().serverLog();
    }

    /** Where the log ends now. */
    static long position() {
        try {
            return Files.exists(file()) ? Files.size(file()) : 0;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The first lines of each SEVERE record written since {@code position}. */
    static List<String> severeSince(long position) {
        List<String> severe = new ArrayList<>();
        String[] lines = since(position).split("\n");
        for (int i = 0; i < lines.length; i++) {
            if (lines[i].contains("[SEVERE]")) {
                StringBuilder record = new StringBuilder(lines[i]);
                for (int j = i + 1; j < Math.min(lines.length, i + 3); j++) {
                    record.append('\n').append(lines[j]);
                }
                severe.add(record.toString());
            }
        }
        return severe;
    }

    /** Lines written since {@code position} containing any of {@code secrets}, the secrets masked. */
    static List<String> linesContaining(long position, Collection<String> secrets) {
        List<String> found = new ArrayList<>();
        for (String line : since(position).split("\n")) {
            if (secrets.stream().anyMatch(line::contains)) {
                String masked = line;
                for (String secret : secrets) {
                    masked = masked.replace(secret, "<" + secret.length() + " chars masked>");
                }
                found.add(masked);
            }
        }
        return found;
    }

    static String since(long position) {
        try (RandomAccessFile f = new RandomAccessFile(file().toFile(), "r")) {
            long from = position <= f.length() ? Math.max(position, 0) : 0; // rotated: read it all
            byte[] bytes = new byte[(int) (f.length() - from)];
            f.seek(from);
            f.readFully(bytes);
            return new String(bytes, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
