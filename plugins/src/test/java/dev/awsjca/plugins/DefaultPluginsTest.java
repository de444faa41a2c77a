package dev.awsjca.plugins;

import dev.awsjca.config.WrapperProperties;
import dev.awsjca.jdbc.ConnectionWrapper;
import dev.awsjca.testkit.PgCluster;
import dev.awsjca.testkit.TestDatabase;
import dev.awsjca.testkit.WithPgCluster;
import org.junit.jupiter.api.Test;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.DriverManager;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** With the plugins on the class path, a connection that names no plugins runs the design's default. */
@WithPgCluster(replicas = 1)
class DefaultPluginsTest {

    @Test
    void theDefaultIsFailoverThenHostMonitoringAndItParses() {
        assertEquals(List.of("failover", "hostMonitoring"), WrapperProperties.PLUGINS.defaultValue());
        assertEquals(WrapperProperties.PLUGINS.defaultValue(), WrapperProperties.PLUGINS.parse(WrapperProperties.PLUGINS.defaultText()));
    }

    @Test
    void aConnectionWithoutPluginsRunsTheDefaultAndEmptyRunsNone(PgCluster cluster, TestDatabase db) throws Exception {
        String url = "jdbc:aws-wrapper:postgresql://" + cluster.writer().host() + ":" + cluster.writer().port() + "/" + db.name()
                + "?clusterInstanceHostPattern=" + URLEncoder.encode(cluster.instanceHostPattern(), StandardCharsets.UTF_8);
        try (Connection c = DriverManager.getConnection(url, db.user(), db.password())) {
            assertEquals(List.of("failover", "hostMonitoring"), c.unwrap(ConnectionWrapper.class).pipeline().pluginCodes());
        }
        try (Connection c = DriverManager.getConnection(url + "&plugins=", db.user(), db.password())) {
            assertEquals(List.of(), c.unwrap(ConnectionWrapper.class).pipeline().pluginCodes());
        }
    }
}
