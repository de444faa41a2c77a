package dev.awsjca.ra;

import jakarta.resource.ResourceException;
import jakarta.resource.spi.InvalidPropertyException;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Configuration of the connection definition: checked at deployment, equal on settings, no secret shown. */
class ManagedConnectionFactoryConfigTest {

    private static AwsManagedConnectionFactory valid() {
        AwsManagedConnectionFactory mcf = new AwsManagedConnectionFactory();
        mcf.setUrl("jdbc:aws-wrapper:postgresql://127.0.0.1:5432/app");
        mcf.setUser("app");
        mcf.setPassword("s3cret-Value");
        return mcf;
    }

    @Test
    void aBadValueFailsTheDeploymentNamingTheConfigProperty() {
        AwsManagedConnectionFactory mcf = valid();
        mcf.setFailoverTimeoutMs(-5L);
        InvalidPropertyException e = assertThrows(InvalidPropertyException.class, () -> mcf.createConnectionFactory(null));
        assertTrue(e.getMessage().contains("'FailoverTimeoutMs'"), e.getMessage());
        assertTrue(e.getMessage().contains("'-5'"), e.getMessage());
        assertEquals("failoverTimeoutMs", e.getInvalidPropertyDescriptors()[0].getName());
        // the container associates the adapter right after the setters: that fails too
        assertThrows(InvalidPropertyException.class, () -> mcf.setResourceAdapter(new AwsResourceAdapter()));
    }

    /**
     * Payara associates the adapter with a default pool made from ra.xml's values alone (no Url) on every
     * deploy: refusing it there logged a SEVERE RAR6036 each time. The definition fails where it is used.
     */
    @Test
    void aDefinitionWithoutUrlIsAssociatedAndRefusedWhenUsed() throws Exception {
        AwsManagedConnectionFactory noUrl = new AwsManagedConnectionFactory();
        AwsResourceAdapter ra = new AwsResourceAdapter();
        ra.start(null);
        try {
            noUrl.setResourceAdapter(ra);
            assertEquals(ra, noUrl.getResourceAdapter());
            InvalidPropertyException e = assertThrows(InvalidPropertyException.class, noUrl::createConnectionFactory);
            assertTrue(e.getMessage().contains("'Url'"), e.getMessage());
            e = assertThrows(InvalidPropertyException.class, () -> noUrl.createManagedConnection(null, null));
            assertTrue(e.getMessage().contains("'Url'"), e.getMessage());
        } finally {
            ra.stop();
        }
    }

    @Test
    void unknownPluginAndMissingUrlAreRefused() {
        AwsManagedConnectionFactory mcf = valid();
        mcf.setPlugins("failover,nosuchplugin");
        ResourceException e = assertThrows(ResourceException.class, mcf::createConnectionFactory);
        assertTrue(e.getMessage().contains("'Plugins'"), e.getMessage());

        AwsManagedConnectionFactory noUrl = new AwsManagedConnectionFactory();
        e = assertThrows(InvalidPropertyException.class, noUrl::createConnectionFactory);
        assertTrue(e.getMessage().contains("'Url'"), e.getMessage());

        AwsManagedConnectionFactory badUrl = valid();
        badUrl.setUrl("jdbc:mysql://h/db");
        e = assertThrows(InvalidPropertyException.class, badUrl::createConnectionFactory);
        assertTrue(e.getMessage().contains("'Url'"), e.getMessage());
    }

    @Test
    void aBadPasswordPropertyNeverShowsItsValue() throws Exception {
        AwsManagedConnectionFactory mcf = valid();
        assertFalse(mcf.toString().contains("s3cret-Value"), mcf.toString());
        assertTrue(mcf.toString().contains("password=***"), mcf.toString());
    }

    @Test
    void equalsAndHashCodeFollowTheConfiguration() {
        AwsManagedConnectionFactory a = valid();
        AwsManagedConnectionFactory b = valid();
        a.setFailoverTimeoutMs(1000L);
        b.setFailoverTimeoutMs(1000L);
        assertEquals(a, b);
        assertEquals(a.hashCode(), b.hashCode());
        b.setFailoverTimeoutMs(2000L);
        assertNotEquals(a, b);
        b.setFailoverTimeoutMs(null);
        a.setFailoverTimeoutMs(null);
        assertEquals(a, b);
        b.setUrl("jdbc:aws-wrapper:postgresql://127.0.0.1:5432/other");
        assertNotEquals(a, b);
    }
}
