package dev.awsjca.it;

import dev.awsjca.it.bank.WildFlyBankRun;
import dev.awsjca.it.bank.teller.BankServlet;
import dev.awsjca.reliability.bank.Attempt;
import dev.awsjca.reliability.bank.BankDatabase;
import dev.awsjca.reliability.bank.BankReport;
import dev.awsjca.reliability.bank.FaultKind;
import dev.awsjca.reliability.bank.Ledger;
import dev.awsjca.reliability.bank.Tally;
import dev.awsjca.testkit.PgCluster;
import dev.awsjca.testkit.aws.AwsTestCredentials;
import dev.awsjca.testkit.aws.secretsmanager.LocalSecretsManager;
import org.jboss.arquillian.container.test.api.Deployer;
import org.jboss.arquillian.container.test.api.Deployment;
import org.jboss.arquillian.junit5.ArquillianExtension;
import org.jboss.arquillian.test.api.ArquillianResource;
import org.jboss.as.arquillian.container.ManagementClient;
import org.jboss.as.controller.client.helpers.Operations;
import org.jboss.dmr.ModelNode;
import org.jboss.shrinkwrap.api.ShrinkWrap;
import org.jboss.shrinkwrap.api.spec.EnterpriseArchive;
import org.jboss.shrinkwrap.api.spec.WebArchive;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The bank in WildFly (issue 13's XA variant): 16 tellers in a war move money between an account of {@code bank_a}
 * and one of {@code bank_b}, each transfer one JTA transaction over two XA connection definitions of the rar
 * (two-phase commit through Narayana and IronJacamar's xa-pools), with {@code failover,hostMonitoring,
 * secretsManager}; the login comes from the testkit's local Secrets Manager. This JVM injects two faults of each
 * kind (more with {@code -Dbank.faults=N}: {@code scripts/bank.sh --server wildfly}) and holds the databases to the
 * bank's invariants, atomicity across the two databases and no prepared transaction left among them.
 */
@ExtendWith(ArquillianExtension.class)
class XaBankIT {

    private static final String REGION = "eu-west-1";
    private static final AwsTestCredentials AWS = AwsTestCredentials.of("AKIDXABANKWILDFLY01", "xa-bank-secret-access-key");
    private static final String SECRET = "bank/wildfly";
    private static final String APP_ROLE = "bank_app";
    private static final int POOL = 10;
    private static final int ACCOUNTS = 20;

    private static PgCluster cluster;
    private static LocalSecretsManager secrets;
    private static List<BankDatabase> databases;

    @Deployment(name = "bank", managed = false, testable = false)
    static EnterpriseArchive bank() {
        start();
        String[] definitions = databases.stream().map(XaBankIT::definition).toArray(String[]::new);
        return ShrinkWrap.create(EnterpriseArchive.class, "xa-bank.ear")
                .addAsModule(Deployments.resourceAdapter(Deployments.ironjacamarXml(definitions)))
                .addAsModule(ShrinkWrap.create(WebArchive.class, "bank.war").addPackage(BankServlet.class.getPackage())
                        .addClasses(Ledger.class, Attempt.class, Tally.class));
    }

    /** Its own three-node cluster (these faults crash writers) and Secrets Manager, both for the whole class. */
    private static synchronized void start() {
        if (cluster != null) {
            return;
        }
        cluster = PgCluster.builder().replicas(2).start();
        byte[] random = new byte[12];
        new SecureRandom().nextBytes(random);
        String password = HexFormat.of().formatHex(random);
        cluster.execute(cluster.writer(), "postgres", "CREATE ROLE " + APP_ROLE + " LOGIN PASSWORD '" + password + "'");
        // at most the pool's connections, plus the one WildFly's recovery opens with the recovery credentials
        databases = List.of(new BankDatabase("bank_a", ACCOUNTS, 1_000, POOL + 1), new BankDatabase("bank_b", ACCOUNTS, 1_000, POOL + 1));
        databases.forEach(db -> db.create(cluster, APP_ROLE));
        secrets = LocalSecretsManager.builder().region(REGION).credentials(AWS).start();
        secrets.putSecretJson(SECRET, Map.of("username", APP_ROLE, "password", password));
    }

    private static String definition(BankDatabase db) {
        String url = "jdbc:aws-wrapper:postgresql://" + cluster.clusterEndpoint().host() + ":" + cluster.clusterEndpoint().port()
                + "/" + db.name() + "?connectTimeout=3&socketTimeout=30&ApplicationName=" + db.applicationName();
        Map<String, String> properties = new LinkedHashMap<>();
        properties.put("Plugins", "failover,hostMonitoring,secretsManager");
        properties.put("ClusterInstanceHostPattern", cluster.instanceHostPattern());
        properties.put("FailoverTimeoutMs", "30000");
        properties.put("SecretId", SECRET);
        properties.put("Region", REGION);
        properties.put("SecretsManagerEndpoint", secrets.endpoint().toString());
        properties.put("SecretsCacheTtlS", "5"); // so that the Secrets Manager outage meets logins that need the secret
        return Deployments.connectionDefinition("java:/jdbc/" + db.name(), db.name(), url, null, properties, POOL, cluster);
    }

    @ArquillianResource
    private Deployer deployer;

    @ArquillianResource
    private ManagementClient management;

    @AfterAll
    static void stopClusterAndSecretsManager() {
        if (secrets != null) {
            secrets.close();
        }
        if (cluster != null) {
            cluster.close();
        }
    }

    @Test
    void noCentLostOrMadeWhenEveryTransferIsOneXaTransactionAcrossTwoDatabases() throws Exception {
        int faultsPerKind = Integer.getInteger("bank.faults", 2);
        long seed = Long.getLong("bank.seed", System.currentTimeMillis() % 1_000_000);
        int tellers = Integer.getInteger("bank.tellers", 16);
        System.out.println("WildFly bank: seed " + seed + " (-Dbank.seed=" + seed + " repeats the order and timing of faults)");
        awsCredentials(true);
        deployer.deploy("bank");
        BankReport report;
        try {
            URI app = URI.create("http://127.0.0.1:" + System.getProperty("wildfly.http.port", "8280") + "/bank/");
            report = new WildFlyBankRun(cluster, secrets, databases, app,
                    new WildFlyBankRun.Settings(faultsPerKind, tellers, seed, Boolean.getBoolean("bank.progress") ? System.out : null)).run();
        } finally {
            deployer.undeploy("bank");
            awsCredentials(false);
        }
        System.out.println(report.render()); // in target/failsafe-reports/*-output.txt
        assertEquals(faultsPerKind * FaultKind.values().length, report.faultCount());
        assertTrue(report.tally().completed() > 100, "the bank did too little work to prove anything:\n" + report.render());
        assertTrue(report.passed(), report.render());
    }

    /** The AWS credentials of the server JVM, for the SDK's default chain, as docs/CREDENTIALS.md tells a user. */
    private void awsCredentials(boolean present) throws IOException {
        Operations.CompositeOperationBuilder ops = Operations.CompositeOperationBuilder.create();
        Map<String, String> properties = Map.of("aws.accessKeyId", AWS.accessKeyId(), "aws.secretAccessKey", AWS.secretAccessKey());
        properties.forEach((name, value) -> {
            ModelNode address = Operations.createAddress("system-property", name);
            if (present) {
                ModelNode add = Operations.createAddOperation(address);
                add.get("value").set(value);
                ops.addStep(add);
            } else {
                ops.addStep(Operations.createRemoveOperation(address));
            }
        });
        ModelNode result = management.getControllerClient().execute(ops.build().getOperation());
        if (!Operations.isSuccessfulOutcome(result)) {
            throw new AssertionError("system properties: " + Operations.getFailureDescription(result));
        }
    }
}
