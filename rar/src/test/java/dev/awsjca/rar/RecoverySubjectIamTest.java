package dev.awsjca.rar;

import dev.awsjca.ra.AwsManagedConnectionFactory;
import dev.awsjca.ra.AwsResourceAdapter;
import dev.awsjca.testkit.PgCluster;
import dev.awsjca.testkit.aws.AwsTestCredentials;
import dev.awsjca.testkit.aws.iam.BindAttempt;
import dev.awsjca.testkit.aws.iam.IamTokenLdapServer;
import dev.awsjca.testkit.aws.iam.RdsEndpoint;
import dev.awsjca.testkit.aws.iam.TokenCheck;
import jakarta.resource.spi.ManagedConnection;
import jakarta.resource.spi.security.PasswordCredential;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import javax.security.auth.Subject;
import javax.transaction.xa.XAResource;
import javax.transaction.xa.Xid;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * XA recovery with IAM: the container recovers with a Subject holding its recovery credentials and no
 * request info. The packaged adapter (plugins=iam, no Password configured) logs that user in with a token
 * minted for it, checked by PostgreSQL through the testkit's LDAP verifier, and recover() answers.
 */
@Timeout(120)
class RecoverySubjectIamTest {

    private static final String REGION = "us-east-2";
    private static final AwsTestCredentials CREDENTIALS = AwsTestCredentials.of("AKIDRARRECOVERY01", "rar-recovery-secret-key");
    private static final String APP_USER = "iam_rar_app";
    private static final String RECOVERY_USER = "iam_rar_recovery";

    private static IamTokenLdapServer ldap;
    private static PgCluster cluster;
    private static AutoCloseable sdkCredentials;

    @BeforeAll
    static void start() {
        ldap = IamTokenLdapServer.builder().region(REGION).credentials(CREDENTIALS).start();
        cluster = PgCluster.builder().replicas(0)
                .hbaRules(List.of(ldap.pgHbaLine("hostssl", "all", APP_USER, "127.0.0.0/8", ""),
                        ldap.pgHbaLine("hostssl", "all", RECOVERY_USER, "127.0.0.0/8", "")))
                .start();
        ldap.acceptEndpointsOf(cluster);
        cluster.execute(cluster.writer(), "postgres", "CREATE ROLE " + APP_USER + " LOGIN",
                "CREATE ROLE " + RECOVERY_USER + " LOGIN");
        sdkCredentials = CREDENTIALS.installAsSystemProperties();
    }

    @AfterAll
    static void stop() throws Exception {
        if (sdkCredentials != null) {
            sdkCredentials.close();
        }
        if (cluster != null) {
            cluster.close();
        }
        if (ldap != null) {
            ldap.close();
        }
    }

    @Test
    void theRecoverySubjectGetsATokenMintedForTheRecoveryUser() throws Exception {
        AwsResourceAdapter ra = new AwsResourceAdapter();
        ra.start(null);
        AwsManagedConnectionFactory mcf = new AwsManagedConnectionFactory();
        mcf.setUrl("jdbc:aws-wrapper:postgresql://" + cluster.writer().host() + ":" + cluster.writer().port()
                + "/postgres?sslmode=require");
        mcf.setUser(APP_USER);
        mcf.setPlugins("iam");
        mcf.setIamRegion(REGION);
        mcf.setResourceAdapter(ra);
        Subject recovery = new Subject();
        // WildFly's recovery-username with a placeholder recovery-password (nothing checks it: iam replaces it)
        recovery.getPrivateCredentials().add(new PasswordCredential(RECOVERY_USER, "unused".toCharArray()));
        ManagedConnection mc = null;
        try {
            ldap.binds().reset();
            mc = mcf.createManagedConnection(recovery, null);
            Xid[] inDoubt = mc.getXAResource().recover(XAResource.TMSTARTRSCAN | XAResource.TMENDRSCAN);
            assertArrayEquals(new Xid[0], inDoubt);
        } finally {
            if (mc != null) {
                mc.destroy();
            }
            ra.stop();
        }
        List<BindAttempt> binds = ldap.binds().all();
        assertTrue(!binds.isEmpty(), "PostgreSQL asked the verifier");
        for (BindAttempt bind : binds) {
            assertEquals(RECOVERY_USER, bind.dbUser(), "the token is the recovery user's: " + binds);
            assertEquals(TokenCheck.ACCEPTED, bind.check(), bind.detail());
        }
        assertEquals(RdsEndpoint.of(cluster.writer().host(), cluster.writer().port()), binds.get(binds.size() - 1).signedFor());
    }
}
