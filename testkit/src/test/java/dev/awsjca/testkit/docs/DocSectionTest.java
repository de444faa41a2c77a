package dev.awsjca.testkit.docs;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.opentest4j.AssertionFailedError;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class DocSectionTest {

    private static final String PAGE = "# Title\n\nprose\n<!-- s:start -->\nold 1\nold 2\n<!-- s:end -->\nmore prose\n";

    @Test
    void aCurrentSectionPassesAndAStaleOneFailsNamingTheCommandThatRegeneratesIt(@TempDir Path dir) throws Exception {
        Path page = Files.writeString(dir.resolve("PAGE.md"), PAGE);
        DocSection section = DocSection.of(page, "<!-- s:start -->", "<!-- s:end -->");
        assertTrue(section.present());
        assertEquals("old 1\nold 2\n", section.current());
        section.assertCurrent("old 1\nold 2", "regen-command");
        AssertionFailedError e = assertThrows(AssertionFailedError.class, () -> section.assertCurrent("new\n", "regen-command"));
        assertTrue(e.getMessage().contains("Regenerate it with:\n  regen-command"), e.getMessage());
        assertEquals(PAGE, Files.readString(page), "checking never writes");
    }

    @Test
    void inWriteModeOnlyTheSectionIsRewritten(@TempDir Path dir) throws Exception {
        Path page = Files.writeString(dir.resolve("PAGE.md"), PAGE);
        DocSection section = DocSection.of(page, "<!-- s:start -->", "<!-- s:end -->");
        System.setProperty(DocSection.WRITE, "true");
        try {
            section.assertCurrent("new\n", "regen-command");
        } finally {
            System.clearProperty(DocSection.WRITE);
        }
        assertEquals("# Title\n\nprose\n<!-- s:start -->\nnew\n<!-- s:end -->\nmore prose\n", Files.readString(page));
    }

    @Test
    void aMissingMarkerIsNamed(@TempDir Path dir) throws Exception {
        Path page = Files.writeString(dir.resolve("PAGE.md"), "<!-- s:start -->\nno end\n");
        assertFalse(DocSection.of(page, "<!-- other -->", "<!-- s:end -->").present());
        AssertionError e = assertThrows(AssertionError.class,
                () -> DocSection.of(page, "<!-- s:start -->", "<!-- s:end -->").current());
        assertTrue(e.getMessage().contains("<!-- s:end -->"), e.getMessage());
    }
}
