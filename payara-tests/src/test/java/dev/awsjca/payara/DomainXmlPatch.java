package dev.awsjca.payara;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The changes a new Payara domain needs before its first start on a machine that must call nothing
 * outside itself: phone-home off, the Hazelcast data grid off (and its own phone-home), every listener on
 * 127.0.0.1, the JMS broker off; plus transaction recovery at start, and no instance-metadata lookups by
 * the AWS SDK. The tests apply it in {@link PayaraDomain}; the scripts (scripts/lib/payara.sh) run this file
 * with {@code java DomainXmlPatch.java <domain.xml>} so that there is one patch.
 */
final class DomainXmlPatch {

    private static final String JVM_ANCHOR = "<jvm-options>-Xmx512m</jvm-options>";
    private static final Pattern LISTENER_WITHOUT_ADDRESS = Pattern.compile("<network-listener (?![^>]*address=)");

    private DomainXmlPatch() {
    }

    /** Patches the domain.xml named by the one argument in place. */
    public static void main(String[] args) throws IOException {
        if (args.length != 1) {
            System.err.println("usage: java DomainXmlPatch.java <domain.xml>");
            System.exit(2);
        }
        Path domainXml = Path.of(args[0]);
        Files.writeString(domainXml, apply(Files.readString(domainXml)));
    }

    static String apply(String xml) {
        String s = require(xml, "<hazelcast-runtime-configuration ")
                .replaceFirst("<hazelcast-runtime-configuration ",
                        "<phone-home-runtime-configuration enabled=\"false\"></phone-home-runtime-configuration>\n"
                                + "    <hazelcast-runtime-configuration ");
        s = require(s, "<hazelcast-config-specific-configuration")
                .replace("<hazelcast-config-specific-configuration", "<hazelcast-config-specific-configuration enabled=\"false\"");
        s = require(s, JVM_ANCHOR).replace(JVM_ANCHOR, JVM_ANCHOR
                + "\n                <jvm-options>-Dhazelcast.phone.home.enabled=false</jvm-options>"
                + "\n                <jvm-options>-Daws.disableEc2Metadata=true</jvm-options>");
        s = s.replace("address=\"0.0.0.0\"", "address=\"127.0.0.1\"");
        s = LISTENER_WITHOUT_ADDRESS.matcher(s).replaceAll(Matcher.quoteReplacement("<network-listener address=\"127.0.0.1\" "));
        // the server's config has no jms-service, so the embedded broker starts on first use listening on
        // every interface (seen: [::]:portbase+76 once an EJB application was deployed): no JMS here
        String connectorService = "<connector-service shutdown-timeout-in-seconds=\"30\"></connector-service>";
        s = require(s, connectorService).replaceFirst(Pattern.quote(connectorService), Matcher.quoteReplacement(connectorService
                + "\n            <jms-service type=\"DISABLED\" default-jms-host=\"default_JMS_host\">"
                + "\n                <jms-host name=\"default_JMS_host\" host=\"127.0.0.1\" port=\"${JMS_PROVIDER_PORT}\" lazy-init=\"true\" />"
                + "\n            </jms-service>"));
        String tx = "<transaction-service tx-log-dir=\"${com.sun.aas.instanceRoot}/logs\" />";
        s = require(s, tx).replace(tx, "<transaction-service tx-log-dir=\"${com.sun.aas.instanceRoot}/logs\" automatic-recovery=\"true\" />");
        return s;
    }

    private static String require(String xml, String anchor) {
        if (!xml.contains(anchor)) {
            throw new IllegalStateException("domain.xml has no " + anchor + ": a Payara version this patch does not know");
        }
        return xml;
    }
}
