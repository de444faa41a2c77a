package dev.awsjca.testkit.aws;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.awsjca.testkit.aws.iam.IamTokenLdapServer;
import dev.awsjca.testkit.aws.secretsmanager.LocalSecretsManager;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import org.junit.jupiter.api.Test;

/** Fixed ports are for clients in another JVM; a taken port fails with a message naming it. */
class FixedPortsTest {

    private static int freePort() throws IOException {
        try (ServerSocket probe = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
            return probe.getLocalPort();
        }
    }

    @Test
    void endpointsListenOnTheRequestedPorts() throws IOException {
        int smPort = freePort();
        try (LocalSecretsManager sm = LocalSecretsManager.builder().port(smPort).start()) {
            assertEquals("http://127.0.0.1:" + smPort, sm.endpoint().toString());
        }
        int ldapPort = freePort();
        try (IamTokenLdapServer ldap = IamTokenLdapServer.builder().port(ldapPort).start()) {
            assertEquals(ldapPort, ldap.port());
            assertTrue(ldap.pgHbaLine("app", "127.0.0.1/32").contains("ldapport=" + ldapPort));
        }
    }

    @Test
    void aTakenPortIsAClearError() throws IOException {
        try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
            int port = taken.getLocalPort();
            UncheckedIOException sm = assertThrows(UncheckedIOException.class,
                    () -> LocalSecretsManager.builder().port(port).start());
            assertTrue(sm.getMessage().contains("127.0.0.1:" + port), sm.getMessage());
            UncheckedIOException ldap = assertThrows(UncheckedIOException.class,
                    () -> IamTokenLdapServer.builder().port(port).start());
            assertTrue(ldap.getMessage().contains("127.0.0.1:" + port), ldap.getMessage());
        }
        assertThrows(IllegalArgumentException.class, () -> LocalSecretsManager.builder().port(70000));
    }
}
