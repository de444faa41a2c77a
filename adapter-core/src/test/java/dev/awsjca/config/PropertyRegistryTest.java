package dev.awsjca.config;

import dev.awsjca.jdbc.AwsWrapperDataSource;
import org.junit.jupiter.api.Test;

import java.beans.IntrospectionException;
import java.beans.Introspector;
import java.beans.PropertyDescriptor;
import java.util.HashSet;
import java.util.Set;
import java.util.TreeSet;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The registry is the one list of properties: the DataSource's setters must match it exactly. */
class PropertyRegistryTest {

    @Test
    void everyPropertyHasADataSourceSetterAndNoSetterIsExtra() throws IntrospectionException {
        Set<String> setters = new TreeSet<>();
        for (PropertyDescriptor d : Introspector.getBeanInfo(AwsWrapperDataSource.class).getPropertyDescriptors()) {
            if (d.getWriteMethod() != null) {
                setters.add(d.getName());
            }
        }
        setters.remove("logWriter");
        setters.remove("loginTimeout");
        Set<String> declared = new TreeSet<>();
        WrapperProperties.all().forEach(p -> declared.add(p.name()));
        assertEquals(declared, setters);
    }

    @Test
    void declarationsAreComplete() {
        Set<String> names = new HashSet<>();
        for (Property<?> p : WrapperProperties.all()) {
            assertTrue(names.add(p.name()), "declared twice: " + p.name());
            assertFalse(p.description().isBlank(), p.name());
            assertNotNull(p.usedBy(), p.name());
            assertEquals(Character.toUpperCase(p.name().charAt(0)) + p.name().substring(1), p.configPropertyName());
            // the default plugin codes are checked where the plugins are (plugins' DefaultPluginsTest)
            if (p.defaultText() != null && p != WrapperProperties.PLUGINS) {
                assertEquals(p.defaultValue(), p.parse(p.defaultText()), p.name());
            }
        }
        assertTrue(WrapperProperties.PASSWORD.isSecret());
    }
}
