package dev.awsjca.testkit;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.Objects;

/** Installs the Aurora topology functions (aurora-topology.sql) on a writer. */
final class TopologyFunctions {

    private TopologyFunctions() {
    }

    static void install(PgNode writer) {
        String sql;
        try (InputStream in = TopologyFunctions.class.getResourceAsStream("aurora-topology.sql")) {
            sql = new String(Objects.requireNonNull(in, "aurora-topology.sql").readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new TestkitException("could not read aurora-topology.sql: " + e.getMessage(), e);
        }
        // template1 so that every database created later has them too
        writer.execute("template1", sql);
        writer.execute("postgres", sql);
    }
}
