package dev.awsjca.samples;

import dev.awsjca.testkit.docs.DocSection;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The code samples in README.md and docs/ are the test sources of this package, line for line: a sample lives
 * between {@code // sample:NAME} and {@code // sample:end} in a source file, and between
 * {@code <!-- sample:NAME -->} and {@code <!-- sample:end -->} in each page that shows it.
 */
class DocSamplesTest {

    static final String REGENERATE = "mvn -B -q -pl plugins -am test -Dtest=DocSamplesTest"
            + " -Dsurefire.failIfNoSpecifiedTests=false -Dawsjca.docs.write=true";

    private static final Path ROOT = Path.of("..");
    private static final Path SOURCES = Path.of("src", "test", "java", "dev", "awsjca", "samples");

    /** Each sample, its source file, and the pages that must show it. */
    private static final Map<String, Sample> SAMPLES = Map.of(
            "hikari-quickstart", new Sample("HikariQuickstart.java", List.of("README.md", "docs/JAVA-SE.md")),
            "failover-handling", new Sample("FailoverHandling.java", List.of("docs/FAILOVER.md")));

    record Sample(String source, List<String> pages) {
    }

    @Test
    void everyPageShowsTheSamplesAsTheyAreInTheTests() throws IOException {
        List<Path> pages = new ArrayList<>(List.of(ROOT.resolve("README.md")));
        try (Stream<Path> docs = Files.list(ROOT.resolve("docs"))) {
            docs.filter(p -> p.toString().endsWith(".md")).sorted().forEach(pages::add);
        }
        for (Map.Entry<String, Sample> s : SAMPLES.entrySet()) {
            String fenced = "```java\n" + extract(SOURCES.resolve(s.getValue().source()), s.getKey()) + "```\n";
            for (String required : s.getValue().pages()) {
                assertTrue(section(ROOT.resolve(required), s.getKey()).present(),
                        required + " must show the sample '" + s.getKey() + "' between <!-- sample:" + s.getKey()
                                + " --> and <!-- sample:end -->");
            }
            for (Path page : pages) {
                DocSection section = section(page, s.getKey());
                if (section.present()) {
                    section.assertCurrent(fenced, REGENERATE);
                }
            }
        }
    }

    private static DocSection section(Path page, String name) {
        return DocSection.of(page, "<!-- sample:" + name + " -->", "<!-- sample:end -->");
    }

    /** The lines between the markers, their common indentation removed. */
    static String extract(Path source, String name) throws IOException {
        List<String> lines = Files.readAllLines(source);
        int start = -1;
        int end = -1;
        for (int i = 0; i < lines.size(); i++) {
            String t = lines.get(i).strip();
            if (t.equals("// sample:" + name)) {
                start = i + 1;
            } else if (start >= 0 && t.equals("// sample:end")) {
                end = i;
                break;
            }
        }
        if (start < 0 || end < 0) {
            throw new AssertionError(source + " has no '// sample:" + name + "' ... '// sample:end'");
        }
        List<String> body = lines.subList(start, end);
        int indent = body.stream().filter(l -> !l.isBlank())
                .mapToInt(l -> l.length() - l.stripLeading().length()).min().orElse(0);
        StringBuilder b = new StringBuilder();
        for (String l : body) {
            b.append(l.isBlank() ? "" : l.substring(indent)).append('\n');
        }
        return b.toString();
    }
}
