package dev.awsjca.testkit.docs;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * A part of a checked-in document that is generated (a table from a registry, a code sample from a test
 * source) and kept between two HTML comment markers. Tests assert it is current; run with
 * {@code -Dawsjca.docs.write=true} they rewrite it instead, so regenerating is one command.
 */
public final class DocSection {

    /** The system property that turns checking into rewriting. */
    public static final String WRITE = "awsjca.docs.write";

    private final Path file;
    private final String start;
    private final String end;

    private DocSection(Path file, String start, String end) {
        this.file = file;
        this.start = start;
        this.end = end;
    }

    /** The text between {@code start} and the first {@code end} after it, both whole lines in {@code file}. */
    public static DocSection of(Path file, String start, String end) {
        return new DocSection(file, start, end);
    }

    /** Whether the file holds the start marker at all. */
    public boolean present() {
        return read().contains(start + "\n");
    }

    /** The section's text now, without the markers' lines. */
    public String current() {
        String text = read();
        int s = text.indexOf(start + "\n");
        if (s < 0) {
            throw new AssertionError(file + " has no line '" + start + "'");
        }
        int e = text.indexOf(end + "\n", s + start.length() + 1);
        if (e < 0 || text.charAt(e - 1) != '\n') {
            throw new AssertionError(file + " has no line '" + end + "' after '" + start + "'");
        }
        return text.substring(s + start.length() + 1, e);
    }

    /**
     * Fails unless the section holds exactly {@code expected} (whole lines, ending in a newline), naming the
     * command that regenerates it; with {@code -Dawsjca.docs.write=true} writes it instead.
     */
    public void assertCurrent(String expected, String regenerateCommand) {
        String body = expected.endsWith("\n") ? expected : expected + "\n";
        String now = current();
        if (now.equals(body)) {
            return;
        }
        if (Boolean.getBoolean(WRITE)) {
            String text = read();
            int s = text.indexOf(start + "\n") + start.length() + 1;
            write(text.substring(0, s) + body + text.substring(s + now.length()));
            return;
        }
        assertEquals(body, now, file.normalize() + ", between '" + start + "' and '" + end + "', is not current."
                + " Regenerate it with:\n  " + regenerateCommand + "\n");
    }

    private String read() {
        try {
            return Files.readString(file);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + file, e);
        }
    }

    private void write(String text) {
        try {
            Files.writeString(file, text);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + file, e);
        }
    }
}
