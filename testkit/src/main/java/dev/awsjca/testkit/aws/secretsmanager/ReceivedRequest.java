package dev.awsjca.testkit.aws.secretsmanager;

import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/**
 * One HTTP request as it arrived, before any interpretation: what the signature check rebuilds the
 * canonical request from. Header names are lower-cased.
 */
record ReceivedRequest(String method, String rawPath, String rawQuery, Map<String, List<String>> headers, byte[] body) {

    ReceivedRequest {
        Map<String, List<String>> lower = new TreeMap<>();
        headers.forEach((name, values) -> lower.computeIfAbsent(name.toLowerCase(Locale.ROOT), k -> new java.util.ArrayList<>())
                .addAll(values));
        headers = lower;
    }

    /** The first value of a header, or null. */
    String header(String name) {
        List<String> values = headers.get(name.toLowerCase(Locale.ROOT));
        return values == null || values.isEmpty() ? null : values.get(0);
    }

    @Override
    public String toString() {
        // headers may carry a session token and the body a secret value: neither is shown
        return "ReceivedRequest[" + method + " " + rawPath + ", target=" + header("x-amz-target") + "]";
    }
}
