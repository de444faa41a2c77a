package dev.awsjca.it;

import org.junit.jupiter.api.Test;

import java.io.File;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;
import java.util.zip.ZipInputStream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The rar as built: self-contained (the adapter, its plugins, pgjdbc and what they need, slf4j included,
 * which Payara does not give a connector, and the rar's own jar with its beans.xml), nothing the server
 * provides to every deployment, and no ironjacamar.xml (production configuration is the server's).
 */
class RarContentsIT {

    // slf4j is not here: Payara gives a connector none (WildFly's own comes first on WildFly)
    private static final List<String> PROVIDED_BY_THE_SERVER = List.of("jakarta.", "javax.", "jboss-logging",
            "jboss-transaction", "narayana", "ironjacamar");

    @Test
    void theRarCarriesItsDependenciesAndNothingTheServerHas() throws IOException {
        File rar = new File(System.getProperty("awsjca.it.rar", "target/deps/rar.rar"));
        try (ZipFile zip = new ZipFile(rar)) {
            List<String> names = zip.stream().map(e -> e.getName()).toList();
            assertTrue(names.contains("META-INF/ra.xml"), names.toString());
            assertTrue(names.stream().noneMatch(n -> n.endsWith("ironjacamar.xml")), names.toString());
            // aws-advanced-jca.jar: the rar module's own classes (the CDI extension that takes WildFly's OpenTelemetry)
            for (String needed : List.of("adapter-core-", "plugins-", "postgresql-", "slf4j-api-", "slf4j-jdk14-", "aws-advanced-jca.")) {
                assertEquals(1, names.stream().filter(n -> n.startsWith(needed) && n.endsWith(".jar")).count(), needed + " in " + names);
            }
            List<String> own = new ArrayList<>();
            try (ZipInputStream jar = new ZipInputStream(zip.getInputStream(zip.getEntry("aws-advanced-jca.jar")))) {
                for (ZipEntry e = jar.getNextEntry(); e != null; e = jar.getNextEntry()) {
                    own.add(e.getName());
                }
            }
            assertTrue(own.containsAll(List.of("META-INF/beans.xml", "META-INF/services/jakarta.enterprise.inject.spi.Extension")), own.toString());
            List<String> provided = names.stream().filter(n -> n.endsWith(".jar"))
                    .filter(n -> PROVIDED_BY_THE_SERVER.stream().anyMatch(n::startsWith)).toList();
            assertEquals(List.of(), provided);
        }
    }
}
