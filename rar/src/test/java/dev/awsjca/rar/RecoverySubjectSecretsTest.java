package dev.awsjca.rar;

import dev.awsjca.ra.AwsManagedConnectionFactory;
import dev.awsjca.ra.AwsResourceAdapter;
import dev.awsjca.testkit.PgCluster;
import dev.awsjca.testkit.WithPgCluster;
import dev.awsjca.testkit.aws.AwsTestCredentials;
import dev.awsjca.testkit.aws.secretsmanager.LocalSecretsManager;
import jakarta.resource.spi.ManagedConnection;
import jakarta.resource.spi.security.PasswordCredential;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import javax.security.auth.Subject;
import javax.transaction.xa.XAResource;
import javax.transaction.xa.Xid;
import java.util.Map;
import java.util.UUID;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * XA recovery with Secrets Manager: WildFly's recovery Subject carries placeholder credentials (it enables
 * recovery only with a recovery password); the packaged adapter with plugins=secretsManager logs in with
 * the secret's login instead, and recover() answers.
 */
@WithPgCluster(replicas = 0, shared = false)
@Timeout(120)
class RecoverySubjectSecretsTest {

    private static final String REGION = "ap-south-1";
    private static final AwsTestCredentials CREDENTIALS = AwsTestCredentials.of("AKIDRARRECOVERY02", "rar-recovery-sm-secret-key");

    @Test
    void theRecoverySubjectLogsInWithTheSecret(PgCluster cluster) throws Exception {
        String password = "rec-" + UUID.randomUUID();
        cluster.execute(cluster.writer(), "postgres", "CREATE ROLE sm_recovery LOGIN PASSWORD '" + password + "'");
        AwsResourceAdapter ra = new AwsResourceAdapter();
        ManagedConnection mc = null;
        try (LocalSecretsManager secrets = LocalSecretsManager.builder().region(REGION).credentials(CREDENTIALS).start();
             AutoCloseable sdk = CREDENTIALS.installAsSystemProperties()) {
            secrets.putSecretJson("rar/recovery", Map.of("username", "sm_recovery", "password", password));
            ra.start(null);
            AwsManagedConnectionFactory mcf = new AwsManagedConnectionFactory();
            mcf.setUrl("jdbc:aws-wrapper:postgresql://" + cluster.writer().host() + ":" + cluster.writer().port() + "/postgres");
            mcf.setPlugins("secretsManager");
            mcf.setSecretId("rar/recovery");
            mcf.setRegion(REGION);
            mcf.setSecretsManagerEndpoint(secrets.endpoint().toString());
            mcf.setResourceAdapter(ra);
            Subject recovery = new Subject();
            recovery.getPrivateCredentials().add(new PasswordCredential("from-the-secret", "replaced-by-the-plugin".toCharArray()));

            mc = mcf.createManagedConnection(recovery, null);
            Xid[] inDoubt = mc.getXAResource().recover(XAResource.TMSTARTRSCAN | XAResource.TMENDRSCAN);
            assertArrayEquals(new Xid[0], inDoubt);
            // the Subject's user does not exist: the login that recover() ran on was the secret's
            assertEquals(1, secrets.calls().successfulGetSecretValue("rar/recovery"));
        } finally {
            if (mc != null) {
                mc.destroy();
            }
            ra.stop();
        }
    }
}
