package dev.awsjca.payara;

import org.jboss.shrinkwrap.api.asset.StringAsset;
import dev.awsjca.payara.app.RowsServlet;
import dev.awsjca.testapp.RowWriter;
import dev.awsjca.testapp.TestApp;
import dev.awsjca.testapp.probe.MBeansServlet;
import dev.awsjca.testapp.probe.ThreadsServlet;
import org.jboss.shrinkwrap.api.ShrinkWrap;
import org.jboss.shrinkwrap.api.exporter.ZipExporter;
import org.jboss.shrinkwrap.api.spec.WebArchive;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The adapter configured on Payara with asadmin, as the guide (docs/PAYARA.md) tells a user: the rar
 * deployed as built, a connector connection pool per database with the config-properties (asadmin
 * escaping), a connector resource per pool; the test application in its own war.
 */
final class Adapter {

    static final String RAR_NAME = "aws-advanced-jca";
    static final String APP = "app";
    static final String PROBE = "probe";
    static final int MAX_POOL = 10;

    static final String PASSWORD_ALIAS = "app-db-password";

    private static boolean deployed;
    private static boolean aliasCreated;

    private Adapter() {
    }

    /** The rar, two pools with resources (jdbc/aws, jdbc/aws2) and the application, deployed once per run. */
    static synchronized void ensureDeployed() {
        if (!deployed) {
            deployAll();
            deployed = true;
        }
    }

    static void deployAll() {
        PayaraDomain payara = PayaraDomain.get();
        ensurePasswordAlias();
        deployRar();
        createPool("aws", standardProperties(TestCluster.FIRST));
        payara.asadmin("create-connector-resource", "--poolname", "aws", "jdbc/aws");
        createPool("aws2", standardProperties(TestCluster.SECOND));
        payara.asadmin("create-connector-resource", "--poolname", "aws2", "jdbc/aws2");
        payara.asadmin("deploy", "--force=true", "--name", APP, "--contextroot", APP, application().getAbsolutePath());
    }

    /**
     * Nothing of the standalone adapter left deployed, for a test of the rar inside an EAR (a user deploys
     * one or the other): the next {@link #ensureDeployed()} deploys it all again.
     */
    static synchronized void undeployAll() {
        if (deployed) {
            undeployAdapter();
        }
        PayaraDomain.get().tryAsadmin("undeploy", APP);
    }

    /** Deletes the pools with their resources, then undeploys the rar; the application stays. */
    static synchronized void undeployAdapter() {
        PayaraDomain payara = PayaraDomain.get();
        payara.asadmin("delete-connector-connection-pool", "--cascade=true", "aws");
        payara.asadmin("delete-connector-connection-pool", "--cascade=true", "aws2");
        payara.asadmin("undeploy", RAR_NAME);
        deployed = false;
    }

    /**
     * The database password as a password alias of the domain: pools say {@code Password=${ALIAS=...}},
     * so that neither asadmin's command line nor domain.xml holds it.
     */
    static synchronized void ensurePasswordAlias() {
        if (!aliasCreated) {
            createPasswordAlias(PASSWORD_ALIAS, TestCluster.get().password());
            aliasCreated = true;
        }
    }

    /** A password alias of the domain, its value passed in a file that is deleted at once. */
    static void createPasswordAlias(String alias, String password) {
        Path file = Path.of(System.getProperty("payara.work", "target/payara-work"), "alias-password.txt").toAbsolutePath();
        try {
            Files.writeString(file, "AS_ADMIN_ALIASPASSWORD=" + password + "\n");
            PayaraDomain.get().asadmin("--passwordfile", file.toString(), "create-password-alias", alias);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } finally {
            try {
                Files.deleteIfExists(file);
            } catch (IOException ignored) {
                // under target/
            }
        }
    }

    static void deployRar() {
        String rar = new File(System.getProperty("awsjca.it.rar", "target/deps/rar.rar")).getAbsolutePath();
        PayaraDomain.get().asadmin("deploy", "--type", "rar", "--name", RAR_NAME, rar);
    }

    /** The application logs in as app; the topology names the instances; failover within 10 s. */
    static Map<String, String> standardProperties(String database) {
        Map<String, String> p = new TreeMap<>();
        p.put("Url", TestCluster.url(database));
        p.put("User", TestCluster.APP_USER);
        p.put("Password", "${ALIAS=" + PASSWORD_ALIAS + "}");
        p.put("Plugins", "failover,hostMonitoring");
        p.put("ClusterInstanceHostPattern", TestCluster.get().instanceHostPattern());
        p.put("FailoverTimeoutMs", "10000");
        return p;
    }

    /** An XA connector connection pool of this adapter, validated on borrow. */
    static void createPool(String name, Map<String, String> properties) {
        PayaraDomain.get().asadmin(createPoolCommand(name, properties));
    }

    static String[] createPoolCommand(String name, Map<String, String> properties) {
        List<String> args = new ArrayList<>(List.of("create-connector-connection-pool", "--raname", RAR_NAME,
                "--connectiondefinition", "javax.sql.DataSource", "--transactionsupport", "XATransaction",
                "--isconnectvalidatereq=true", "--failconnection=true", "--steadypoolsize=0",
                "--maxpoolsize=" + MAX_POOL, "--property", asadminProperties(properties), name));
        return args.toArray(String[]::new);
    }

    /** {@code name=value:name=value}, with asadmin's escaping of ':' and '=' (and '\') inside values. */
    static String asadminProperties(Map<String, String> properties) {
        List<String> pairs = new ArrayList<>();
        properties.forEach((name, value) -> pairs.add(name + "=" + value.replace("\\", "\\\\")
                .replace(":", "\\:").replace("=", "\\=")));
        return String.join(":", pairs);
    }

    static File application() {
        WebArchive war = ShrinkWrap.create(WebArchive.class, APP + ".war").addPackage(RowsServlet.class.getPackage())
                .addPackage(RowWriter.class.getPackage())
                .setWebXML(new StringAsset(TestApp.webXml("jdbc/aws", "jdbc/aws2")));
        return export(war);
    }

    static File probe() {
        return export(ShrinkWrap.create(WebArchive.class, PROBE + ".war").addClass(ThreadsServlet.class)
                .addClass(MBeansServlet.class));
    }

    private static File export(WebArchive war) {
        File file = Path.of(System.getProperty("payara.work", "target/payara-work"), war.getName()).toFile();
        war.as(ZipExporter.class).exportTo(file, true);
        return file;
    }
}
