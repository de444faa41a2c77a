package dev.awsjca.config;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Renders docs/CONFIGURATION.md's generated part from the property registry. */
final class ConfigurationReference {

    private ConfigurationReference() {
    }

    static String render() {
        StringBuilder b = new StringBuilder();
        b.append("| property | type | default | read by | JCA config-property |\n");
        b.append("|---|---|---|---|---|\n");
        for (Property<?> p : WrapperProperties.all()) {
            b.append("| [`").append(p.name()).append("`](#").append(p.name().toLowerCase()).append(") | ")
                    .append(p.type().kind()).append(" | ").append(defaultCell(p)).append(" | ")
                    .append(cell(p.usedBy())).append(" | `").append(p.configPropertyName()).append("` |\n");
        }
        for (Map.Entry<String, List<Property<?>>> group : byReader().entrySet()) {
            b.append("\n### Read by ").append(group.getKey()).append("\n");
            for (Property<?> p : group.getValue()) {
                b.append("\n#### ").append(p.name()).append("\n\n");
                b.append(p.description()).append("\n\n");
                b.append("- type: ").append(p.type().kind()).append("; allowed: ").append(p.type().expected()).append('\n');
                b.append("- default: ").append(defaultCell(p).isEmpty() ? "none" : defaultCell(p)).append('\n');
                b.append("- read by: ").append(p.usedBy()).append('\n');
                b.append("- JCA config-property: `").append(p.configPropertyName()).append("`\n");
                String example = example(p);
                if (example != null) {
                    b.append("- example: `").append(p.name()).append('=').append(example).append("`, `<config-property name=\"")
                            .append(p.configPropertyName()).append("\">").append(example).append("</config-property>`\n");
                }
            }
        }
        return b.toString();
    }

    /** Properties grouped by what reads them, in the order each reader first appears in the registry. */
    private static Map<String, List<Property<?>>> byReader() {
        Map<String, List<Property<?>>> groups = new LinkedHashMap<>();
        for (Property<?> p : WrapperProperties.all()) {
            groups.computeIfAbsent(p.usedBy(), k -> new ArrayList<>()).add(p);
        }
        return groups;
    }

    /** The declared example, else the default (a property without either shows none). */
    private static String example(Property<?> p) {
        if (p.example() != null) {
            return p.example();
        }
        return p.defaultText() == null || p.defaultText().isEmpty() ? null : p.defaultText();
    }

    private static String defaultCell(Property<?> p) {
        String d = p.defaultText();
        return d == null ? "" : d.isEmpty() ? "(empty)" : "`" + d + "`";
    }

    private static String cell(String text) {
        return text.replace("|", "\\|");
    }
}
