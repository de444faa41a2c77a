package dev.awsjca.testkit.aws.sigv4;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import java.util.stream.Collectors;

/**
 * The SigV4 canonical request, rebuilt on the receiving side from what actually arrived:
 * <pre>
 * METHOD \n canonical URI \n canonical query \n canonical headers \n\n signed headers \n payload hash
 * </pre>
 * Build one with {@link #builder()}, giving decoded query parameters and the received header values.
 */
public final class CanonicalRequest {

    private final String text;

    private CanonicalRequest(String text) {
        this.text = text;
    }

    public static Builder builder() {
        return new Builder();
    }

    /** The canonical request text (contains no secret: it is what was sent in the clear). */
    public String text() {
        return text;
    }

    @Override
    public String toString() {
        return text;
    }

    /** Collects the parts of a request; header names are matched case-insensitively. */
    public static final class Builder {
        private String method = "GET";
        private String path = "/";
        private final List<String[]> queryParameters = new ArrayList<>();
        private final Map<String, List<String>> headers = new TreeMap<>();
        private List<String> signedHeaders = List.of();
        private String payloadHash = SigV4Crypto.EMPTY_PAYLOAD_SHA256;

        public Builder method(String method) {
            this.method = Objects.requireNonNull(method, "method");
            return this;
        }

        /** The path as it was sent (still percent-encoded); empty means "/". */
        public Builder path(String rawPath) {
            this.path = rawPath == null || rawPath.isEmpty() ? "/" : rawPath;
            return this;
        }

        /** One query parameter, decoded; the signature's own parameter must be left out by the caller. */
        public Builder queryParameter(String name, String value) {
            queryParameters.add(new String[] {name, value == null ? "" : value});
            return this;
        }

        public Builder header(String name, List<String> values) {
            headers.computeIfAbsent(name.toLowerCase(Locale.ROOT), k -> new ArrayList<>()).addAll(values);
            return this;
        }

        public Builder header(String name, String value) {
            return header(name, List.of(value));
        }

        /** The lower-case header names the signer said it signed, in the order given (they must be sorted). */
        public Builder signedHeaders(List<String> names) {
            this.signedHeaders = List.copyOf(names);
            return this;
        }

        public Builder payloadHash(String hexSha256) {
            this.payloadHash = Objects.requireNonNull(hexSha256, "payloadHash");
            return this;
        }

        /**
         * @throws SignatureFormatException when a signed header did not arrive, which makes the
         *         signature impossible to check
         */
        public CanonicalRequest build() throws SignatureFormatException {
            StringBuilder out = new StringBuilder(256);
            out.append(method).append('\n');
            // SigV4 for every service but S3 encodes the already-encoded path once more, keeping '/'
            out.append(AwsUriEncoding.encode(path, true)).append('\n');
            out.append(canonicalQuery()).append('\n');
            for (String name : signedHeaders) {
                List<String> values = headers.get(name);
                if (values == null) {
                    throw new SignatureFormatException("the signed header '" + name + "' is not in the request");
                }
                out.append(name).append(':')
                        .append(values.stream().map(CanonicalRequest::trimAll).collect(Collectors.joining(",")))
                        .append('\n');
            }
            out.append('\n');
            out.append(String.join(";", signedHeaders)).append('\n');
            out.append(payloadHash);
            return new CanonicalRequest(out.toString());
        }

        private String canonicalQuery() {
            return queryParameters.stream()
                    .map(p -> new String[] {AwsUriEncoding.encode(p[0], false), AwsUriEncoding.encode(p[1], false)})
                    .sorted(Comparator.<String[], String>comparing(p -> p[0]).thenComparing(p -> p[1]))
                    .map(p -> p[0] + "=" + p[1])
                    .collect(Collectors.joining("&"));
        }
    }

    /** Header values are trimmed and inner runs of spaces collapsed to one, as SigV4 prescribes. */
    private static String trimAll(String value) {
        return value.trim().replaceAll(" +", " ");
    }
}
