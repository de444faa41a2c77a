package dev.awsjca.it;

import dev.awsjca.it.app.RowsServlet;
import dev.awsjca.it.probe.ThreadsServlet;
import dev.awsjca.testkit.PgCluster;
import org.jboss.shrinkwrap.api.ShrinkWrap;
import org.jboss.shrinkwrap.api.asset.StringAsset;
import org.jboss.shrinkwrap.api.spec.EnterpriseArchive;
import org.jboss.shrinkwrap.api.spec.ResourceAdapterArchive;
import org.jboss.shrinkwrap.api.spec.WebArchive;

import java.io.File;

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
        return ShrinkWrap.create(WebArchive.class, "app.war").addPackage(RowsServlet.class.getPackage());
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
        return """
                <?xml version="1.0" encoding="UTF-8"?>
                <ironjacamar xmlns="http://www.ironjacamar.org/doc/schema"
                             xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"
                             xsi:schemaLocation="http://www.ironjacamar.org/doc/schema http://www.ironjacamar.org/doc/schema/ironjacamar_1_3.xsd">
                  <transaction-support>XATransaction</transaction-support>
                  <connection-definitions>
                """
                + connectionDefinition(cluster, JNDI_FIRST, "aws", ItCluster.FIRST)
                + connectionDefinition(cluster, JNDI_SECOND, "aws2", ItCluster.SECOND)
                + """
                  </connection-definitions>
                </ironjacamar>
                """;
    }

    private static String connectionDefinition(PgCluster cluster, String jndi, String pool, String database) {
        String user = xml(cluster.superuser());
        String password = xml(cluster.password());
        return """
                    <connection-definition class-name="dev.awsjca.ra.AwsManagedConnectionFactory" jndi-name="%s" pool-name="%s">
                      <config-property name="Url">%s</config-property>
                      <config-property name="User">%s</config-property>
                      <config-property name="Password">%s</config-property>
                      <config-property name="Plugins">failover,hostMonitoring</config-property>
                      <config-property name="ClusterInstanceHostPattern">%s</config-property>
                      <xa-pool>
                        <min-pool-size>0</min-pool-size>
                        <max-pool-size>10</max-pool-size>
                      </xa-pool>
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
                """.formatted(jndi, pool, xml(url(cluster, database)), user, password,
                xml(cluster.instanceHostPattern()), user, password);
    }

    static String xml(String s) {
        return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\"", "&quot;");
    }
}
