package dev.awsjca.config;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** The configuration reference's property table is the registry's, word for word (the failure message holds the right table). */
class ConfigurationReferenceTest {

    private static final String START = "<!-- properties:start -->";
    private static final String END = "<!-- properties:end -->";

    @Test
    void readmeTableMatchesTheRegistry() throws IOException {
        String readme = Files.readString(Path.of("..", "docs", "CONFIGURATION.md"));
        int start = readme.indexOf(START);
        int end = readme.indexOf(END);
        String documented = start < 0 || end < 0 ? "(no table between " + START + " and " + END + ")"
                : readme.substring(start + START.length(), end).strip();
        assertEquals(expectedTable(), documented);
    }

    static String expectedTable() {
        StringBuilder b = new StringBuilder("| property | default | read by | allowed values | what it does |\n");
        b.append("|---|---|---|---|---|\n");
        for (Property<?> p : WrapperProperties.all()) {
            String dflt = p.defaultText() == null ? "" : p.defaultText().isEmpty() ? "(none)" : "`" + p.defaultText() + "`";
            b.append("| `").append(p.name()).append("` | ").append(dflt).append(" | ").append(p.usedBy())
                    .append(" | ").append(p.type().expected()).append(" | ").append(p.description()).append(" |\n");
        }
        return b.toString().strip();
    }
}
