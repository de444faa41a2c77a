package dev.awsjca.testapp;

/**
 * The deployment descriptor that binds the beans' two DataSource references to a server's JNDI names: the beans
 * name references ({@link #FIRST}, {@link #SECOND}), each server's tests say where they point (WildFly
 * {@code java:/jdbc/aws}, Payara {@code jdbc/aws}), so one copy of the application serves both.
 */
public final class TestApp {

    /** The reference to the first database's DataSource, in the application's java:comp/env. */
    public static final String FIRST = "jdbc/aws";
    /** The reference to the second database's DataSource. */
    public static final String SECOND = "jdbc/aws2";

    private TestApp() {
    }

    /** A web.xml whose resource references look the two DataSources up under the server's names. */
    public static String webXml(String firstJndiName, String secondJndiName) {
        return """
                <?xml version="1.0" encoding="UTF-8"?>
                <web-app xmlns="https://jakarta.ee/xml/ns/jakartaee" version="6.0">
                %s%s</web-app>
                """.formatted(reference(FIRST, firstJndiName), reference(SECOND, secondJndiName));
    }

    private static String reference(String name, String jndiName) {
        return """
                  <resource-ref>
                    <res-ref-name>%s</res-ref-name>
                    <res-type>javax.sql.DataSource</res-type>
                    <lookup-name>%s</lookup-name>
                  </resource-ref>
                """.formatted(name, jndiName);
    }
}
