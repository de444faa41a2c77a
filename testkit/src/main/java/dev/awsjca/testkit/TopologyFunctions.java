package dev.awsjca.testkit;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.Objects;

/** Installs a flavor's topology functions (aurora-topology.sql, rds-multi-az-topology.sql) on a writer. */
final class TopologyFunctions {

    private TopologyFunctions() {
    }

    static void install(PgNode writer, TopologyFlavor flavor) {
        String resource = flavor.sqlResource();
        if (resource == null) {
            return;
        }
        String sql;
        try (InputStream in = TopologyFunctions.class.getResourceAsStream(resource)) {
            sql = new String(Objects.requireNonNull(in, resource).readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new TestkitException("could not read " + resource + ": " + e.getMessage(), e);
        }
        // template1 so that every database created later has them too
        writer.execute("template1", sql);
        writer.execute("postgres", sql);
    }
}
