package dev.awsjca.rar;

import dev.awsjca.config.Property;
import dev.awsjca.config.WrapperProperties;
import dev.awsjca.ra.AwsManagedConnectionFactory;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.NodeList;

import javax.xml.parsers.DocumentBuilderFactory;
import java.beans.Introspector;
import java.beans.PropertyDescriptor;
import java.io.File;
import java.lang.reflect.Method;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;

/** ra.xml, the property registry and the ManagedConnectionFactory's setters must list the same properties. */
class RaXmlTest {

    private static Document raXml;

    @BeforeAll
    static void read() throws Exception {
        DocumentBuilderFactory f = DocumentBuilderFactory.newInstance();
        f.setNamespaceAware(true);
        raXml = f.newDocumentBuilder().parse(new File("src/main/rar/META-INF/ra.xml"));
    }

    private static String text(Element parent, String tag) {
        NodeList l = parent.getElementsByTagNameNS("*", tag);
        return l.getLength() == 0 ? null : l.item(0).getTextContent().trim();
    }

    /** config-property name -> type, in ra.xml's order. */
    private static Map<String, String> raXmlProperties() {
        Map<String, String> result = new LinkedHashMap<>();
        NodeList l = raXml.getElementsByTagNameNS("*", "config-property");
        for (int i = 0; i < l.getLength(); i++) {
            Element e = (Element) l.item(i);
            result.put(text(e, "config-property-name"), text(e, "config-property-type"));
        }
        return result;
    }

    @Test
    void raXmlListsEveryRegistryPropertyInOrderAndNothingElse() {
        List<String> registry = WrapperProperties.all().stream().map(Property::configPropertyName).toList();
        assertEquals(registry, List.copyOf(raXmlProperties().keySet()));
    }

    @Test
    void everyConfigPropertyHasASetterOfItsTypeAndNoSetterIsExtra() throws Exception {
        Map<String, String> setters = new TreeMap<>();
        for (PropertyDescriptor d : Introspector.getBeanInfo(AwsManagedConnectionFactory.class).getPropertyDescriptors()) {
            Method write = d.getWriteMethod();
            if (write != null && !d.getName().equals("logWriter") && !d.getName().equals("resourceAdapter")) {
                setters.put(write.getName().substring(3), write.getParameterTypes()[0].getName());
            }
        }
        assertEquals(new TreeMap<>(raXmlProperties()), setters);
    }

    @Test
    void thePasswordIsConfidentialAndTheDefinitionIsAnXaDataSource() {
        NodeList l = raXml.getElementsByTagNameNS("*", "config-property");
        for (int i = 0; i < l.getLength(); i++) {
            Element e = (Element) l.item(i);
            Property<?> p = WrapperProperties.byName(Introspector.decapitalize(text(e, "config-property-name")));
            assertNotNull(p);
            assertEquals(p.isSecret() ? "true" : null, text(e, "config-property-confidential"), p.name());
        }
        Element root = raXml.getDocumentElement();
        assertEquals("2.1", root.getAttribute("version"));
        assertEquals("javax.sql.DataSource", text(root, "connectionfactory-interface"));
        assertEquals("java.sql.Connection", text(root, "connection-interface"));
        assertEquals("XATransaction", text(root, "transaction-support"));
        assertEquals("dev.awsjca.ra.AwsResourceAdapter", text(root, "resourceadapter-class"));
    }
}
