package dev.awsjca.config;

import dev.awsjca.topology.HostSpec;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Properties;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

class WrapperConfigTest {

    @Test
    void readsHostsDatabaseAndTypedValues() {
        WrapperConfig c = WrapperConfig.from("jdbc:aws-wrapper:postgresql://a.example,b.example:5433,[::1]:6000/my%20db"
                + "?failoverTimeoutMs=1500&sslmode=require&clusterInstanceHostPattern=?.cluster-x.us-east-1.rds.amazonaws.com", null);
        assertEquals(List.of(HostSpec.of("a.example", 5432), HostSpec.of("b.example", 5433), HostSpec.of("::1", 6000)), c.hosts());
        assertEquals("my db", c.database());
        assertEquals(1500L, c.get(WrapperProperties.FAILOVER_TIMEOUT_MS));
        assertTrue(c.isSet(WrapperProperties.FAILOVER_TIMEOUT_MS));
        assertEquals(30000L, c.get(WrapperProperties.CLUSTER_TOPOLOGY_REFRESH_MS));
        assertFalse(c.isSet(WrapperProperties.CLUSTER_TOPOLOGY_REFRESH_MS));
        assertEquals("db-1.cluster-x.us-east-1.rds.amazonaws.com",
                c.get(WrapperProperties.CLUSTER_INSTANCE_HOST_PATTERN).hostFor("db-1"));
        assertEquals(5432, c.get(WrapperProperties.CLUSTER_INSTANCE_HOST_PATTERN).portOr(5432));
        assertEquals("require", c.driverProperties().getProperty("sslmode"));
        assertNull(c.driverProperties().getProperty("failoverTimeoutMs"), "adapter properties do not reach pgjdbc");
        assertEquals("[::1]:6000", c.hosts().get(2).endpoint());
    }

    @Test
    void urlParametersWinOverPropertiesAndLoginReachesPgjdbc() {
        Properties p = new Properties();
        p.setProperty("failoverTimeoutMs", "1000");
        p.setProperty("user", "app");
        p.setProperty("password", "pw");
        WrapperConfig c = WrapperConfig.from("jdbc:postgresql://h/db?failoverTimeoutMs=2000", p);
        assertEquals(2000L, c.get(WrapperProperties.FAILOVER_TIMEOUT_MS));
        assertEquals("app", c.driverProperties().getProperty("user"));
        assertEquals("pw", c.driverProperties().getProperty("password"));
    }

    @Test
    void hostPatternWithPortAndDefaults() {
        WrapperConfig c = WrapperConfig.from("jdbc:aws-wrapper:postgresql://h:5000/db?clusterInstanceHostPattern=127.0.0.?:6432", null);
        HostPattern pattern = c.get(WrapperProperties.CLUSTER_INSTANCE_HOST_PATTERN);
        assertEquals("127.0.0.12", pattern.hostFor("12"));
        assertEquals(6432, pattern.portOr(5000));
        assertEquals(List.of("failover", "hostMonitoring"), c.pluginCodes());
        assertEquals("db", c.database());
        // none (for servers that refuse an empty value) and empty both mean no plugins
        assertEquals(List.of(), WrapperConfig.from("jdbc:aws-wrapper:postgresql://h/db?plugins=none", null).pluginCodes());
        assertEquals(List.of(), WrapperConfig.from("jdbc:aws-wrapper:postgresql://h/db?plugins=", null).pluginCodes());
    }

    @Test
    void pgjdbcPropertiesCloseToOursAreNotMistakenForMisspellings() {
        // 'ssl', 'user', 'options': pgjdbc's own; must pass through untouched
        WrapperConfig c = WrapperConfig.from("jdbc:aws-wrapper:postgresql://h/db?options=-c%20x%3D1&ssl=true&loginTimeout=3", null);
        assertEquals("-c x=1", c.driverProperties().getProperty("options"));
        assertEquals("3", c.driverProperties().getProperty("loginTimeout"));
    }

    @Test
    void editDistance() {
        assertEquals(0, WrapperConfig.editDistance("abc", "abc"));
        assertEquals(1, WrapperConfig.editDistance("plugin", "plugins"));
        assertEquals(2, WrapperConfig.editDistance("failovertimeout", "failovertimeoutms"));
    }
}
