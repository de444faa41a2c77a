package dev.awsjca.it;

import dev.awsjca.it.app.RowsServlet;
import dev.awsjca.testapp.RowWriter;
import dev.awsjca.testapp.TestApp;
import dev.awsjca.testapp.probe.ThreadsServlet;
import dev.awsjca.testkit.PgCluster;
import org.jboss.shrinkwrap.api.ShrinkWrap;
import org.jboss.shrinkwrap.api.asset.StringAsset;
import org.jboss.shrinkwrap.api.spec.EnterpriseArchive;
import org.jboss.shrinkwrap.api.spec.ResourceAdapterArchive;
import org.jboss.shrinkwrap.api.spec.WebArchive;

import java.io.File;
import java.util.Map;
import java.util.TreeMap;

/**
 * What the tests deploy, the way a user deploys: the rar the build made (plus, in this test-only copy, a
 * META-INF/ironjacamar.xml that configures two XA connection definitions for the test cluster) and the
 * application in its own war, together in an EAR.
 */
final class Deployments {

    static final String JNDI_FIRST = "java:/jdbc/aws";
    static final String JNDI_SECOND = "java:/jdbc/aws2";

    private Deployments() {
    }

    static EnterpriseArchive application(String name) {
        return ShrinkWrap.create(EnterpriseArchive.class, name + ".ear")
                .addAsModule(resourceAdapter())
                .addAsModule(applicationWar());
    }

    /** A war of its own, deployed apart from the adapter so that it can look at the server after an undeploy. */
    static WebArchive probe() {
        return ShrinkWrap.create(WebArchive.class, "probe.war").addClass(ThreadsServlet.class);
    }

    /** The application alone, for a server where the adapter is deployed and configured separately. */
    static WebArchive applicationWar() {
        return ShrinkWrap.create(WebArchive.class, "app.war").addPackage(RowsServlet.class.getPackage())
                .addPackage(RowWriter.class.getPackage())
                .setWebXML(new StringAsset(TestApp.webXml("java:/jdbc/aws", "java:/jdbc/aws2")));
    }

    /** The rar exactly as the build made it (no ironjacamar.xml): configured in the resource-adapters subsystem. */
    static ResourceAdapterArchive productionResourceAdapter() {
        File rar = new File(System.getProperty("awsjca.it.rar", "target/deps/rar.rar"));
        // under the name the subsystem's archive attribute refers to
        return ShrinkWrap.create(ResourceAdapterArchive.class, "aws-advanced-jca.rar")
                .merge(ShrinkWrap.createFromZipFile(ResourceAdapterArchive.class, rar));
    }

    /** The writer's JDBC URL for the adapter's {@code Url}. */
    static String url(PgCluster cluster, String database) {
        return "jdbc:aws-wrapper:postgresql://" + cluster.writer().host() + ":" + cluster.writer().port() + "/" + database;
    }

    static ResourceAdapterArchive resourceAdapter() {
        return resourceAdapter(ironjacamarXml(ItCluster.get()));
    }

    /** The rar the build made, with this META-INF/ironjacamar.xml. */
    static ResourceAdapterArchive resourceAdapter(String ironjacamarXml) {
        File rar = new File(System.getProperty("awsjca.it.rar", "target/deps/rar.rar"));
        return ShrinkWrap.createFromZipFile(ResourceAdapterArchive.class, rar)
                .addAsManifestResource(new StringAsset(ironjacamarXml), "ironjacamar.xml");
    }

    private static String ironjacamarXml(PgCluster cluster) {
        Map<String, String> properties = Map.of("Plugins", "failover,hostMonitoring",
                "ClusterInstanceHostPattern", cluster.instanceHostPattern());
        return ironjacamarXml(
                connectionDefinition(JNDI_FIRST, "aws", url(cluster, ItCluster.FIRST), cluster.superuser(), properties, 10, cluster),
                connectionDefinition(JNDI_SECOND, "aws2", url(cluster, ItCluster.SECOND), cluster.superuser(), properties, 10, cluster));
    }

    /** A test-only META-INF/ironjacamar.xml: XA transactions, these connection definitions. */
    static String ironjacamarXml(String... connectionDefinitions) {
        return """
                <?xml version="1.0" encoding="UTF-8"?>
                <ironjacamar xmlns="http://www.ironjacamar.org/doc/schema"
                             xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"
                             xsi:schemaLocation="http://www.ironjacamar.org/doc/schema http://www.ironjacamar.org/doc/schema/ironjacamar_1_3.xsd">
                  <transaction-support>XATransaction</transaction-support>
                  <connection-definitions>
                """
                + String.join("", connectionDefinitions)
                + """
                  </connection-definitions>
                </ironjacamar>
                """;
    }

    /**
     * One XA connection definition: the adapter logs in as {@code user} with the cluster's password (no user:
     * the properties say where the login comes from), recovery as the cluster's superuser; an xa-pool of
     * 0..maxPool validated on match.
     */
    static String connectionDefinition(String jndi, String pool, String url, String user, Map<String, String> properties,
                                       int maxPool, PgCluster cluster) {
        StringBuilder configProperties = new StringBuilder();
        if (user != null) {
            configProperties.append("      <config-property name=\"User\">%s</config-property>\n".formatted(xml(user)))
                    .append("      <config-property name=\"Password\">%s</config-property>\n".formatted(xml(cluster.password())));
        }
        new TreeMap<>(properties).forEach((name, value) -> configProperties.append(
                "      <config-property name=\"%s\">%s</config-property>\n".formatted(name, xml(value))));
        String password = xml(cluster.password());
        return """
                    <connection-definition class-name="dev.awsjca.ra.AwsManagedConnectionFactory" jndi-name="%s" pool-name="%s">
                      <config-property name="Url">%s</config-property>
                %s      <xa-pool>
                        <min-pool-size>0</min-pool-size>
                        <max-pool-size>%d</max-pool-size>
                      </xa-pool>
                      <timeout>
                        <blocking-timeout-millis>10000</blocking-timeout-millis>
                      </timeout>
                      <validation>
                        <validate-on-match>true</validate-on-match>
                      </validation>
                      <recovery>
                        <recover-credential>
                          <user-name>%s</user-name>
                          <password>%s</password>
                        </recover-credential>
                      </recovery>
                    </connection-definition>
                """.formatted(jndi, pool, xml(url), configProperties, maxPool, xml(cluster.superuser()), password);
    }

    /** A JTA persistence unit of one entity on a DataSource of the adapter, the schema left as it is. */
    static StringAsset persistenceXml(String unit, String jtaDataSource, Class<?> entity) {
        return new StringAsset("""
                <?xml version="1.0" encoding="UTF-8"?>
                <persistence xmlns="https://jakarta.ee/xml/ns/persistence" version="3.0">
                  <persistence-unit name="%s" transaction-type="JTA">
                    <jta-data-source>%s</jta-data-source>
                    <class>%s</class>
                    <exclude-unlisted-classes>true</exclude-unlisted-classes>
                    <properties>
                      <property name="hibernate.hbm2ddl.auto" value="none"/>
                    </properties>
                  </persistence-unit>
                </persistence>
                """.formatted(unit, jtaDataSource, entity.getName()));
    }

    static String xml(String s) {
        return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\"", "&quot;");
    }
}
