package dev.awsjca.config;

import dev.awsjca.testkit.docs.DocSection;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertNotNull;

/** docs/CONFIGURATION.md is the registry's, word for word: the failure message says how to regenerate it. */
class ConfigurationReferenceTest {

    static final String REGENERATE = "mvn -B -q -pl adapter-core -am test -Dtest=ConfigurationReferenceTest"
            + " -Dsurefire.failIfNoSpecifiedTests=false -Dawsjca.docs.write=true";

    @Test
    void referenceMatchesTheRegistry() {
        DocSection.of(Path.of("..", "docs", "CONFIGURATION.md"), "<!-- properties:start -->", "<!-- properties:end -->")
                .assertCurrent(ConfigurationReference.render(), REGENERATE);
    }

    @Test
    void everyPropertyIsDocumentedWithAnExample() {
        for (Property<?> p : WrapperProperties.all()) {
            assertNotNull(p.example(), p.name() + " has no example: add one to its declaration in WrapperProperties,"
                    + " then regenerate docs/CONFIGURATION.md with: " + REGENERATE);
            if (p != WrapperProperties.PLUGINS) { // its codes are checked against plugins this module does not have
                p.parse(p.example()); // throws, naming the property, when the example is not a valid value
            }
        }
    }
}
