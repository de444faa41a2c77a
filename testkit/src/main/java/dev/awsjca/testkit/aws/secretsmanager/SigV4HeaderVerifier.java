package dev.awsjca.testkit.aws.secretsmanager;

import dev.awsjca.testkit.aws.AwsTestCredentials;
import dev.awsjca.testkit.aws.sigv4.AmzDate;
import dev.awsjca.testkit.aws.sigv4.AwsUriEncoding;
import dev.awsjca.testkit.aws.sigv4.CanonicalRequest;
import dev.awsjca.testkit.aws.sigv4.CredentialScope;
import dev.awsjca.testkit.aws.sigv4.SigV4Crypto;
import dev.awsjca.testkit.aws.sigv4.SignatureFormatException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Checks that a request carries a valid SigV4 {@code Authorization} header for one service, region and
 * set of credentials, recomputing the signature from the bytes that arrived. Failures are answered with
 * the error types AWS uses for them.
 */
final class SigV4HeaderVerifier {

    /** AWS refuses requests whose X-Amz-Date is more than five minutes away from its clock. */
    static final Duration DEFAULT_ALLOWED_SKEW = Duration.ofMinutes(5);

    private static final String SIGNATURE_MISMATCH = "The request signature we calculated does not match the signature"
            + " you provided. Check your AWS Secret Access Key and signing method. Consult the service documentation"
            + " for details.";
    private static final String INVALID_TOKEN = "The security token included in the request is invalid.";

    private final String service;
    private final String region;
    private final AwsTestCredentials credentials;
    private final Clock clock;
    private final Duration allowedSkew;

    SigV4HeaderVerifier(String service, String region, AwsTestCredentials credentials, Clock clock, Duration allowedSkew) {
        this.service = Objects.requireNonNull(service, "service");
        this.region = Objects.requireNonNull(region, "region");
        this.credentials = Objects.requireNonNull(credentials, "credentials");
        this.clock = Objects.requireNonNull(clock, "clock");
        this.allowedSkew = Objects.requireNonNull(allowedSkew, "allowedSkew");
    }

    void verify(ReceivedRequest request) throws AwsServiceError {
        String authorization = request.header("authorization");
        if (authorization == null) {
            throw new AwsServiceError(AwsErrorType.MISSING_AUTHENTICATION_TOKEN, "Missing Authentication Token");
        }
        AuthorizationHeader auth = AuthorizationHeader.parse(authorization);
        CredentialScope scope;
        try {
            scope = CredentialScope.parse(auth.credential);
        } catch (SignatureFormatException e) {
            throw new AwsServiceError(AwsErrorType.INCOMPLETE_SIGNATURE, "Authorization header: " + e.getMessage());
        }
        if (!credentials.accessKeyId().equals(scope.accessKeyId())) {
            throw new AwsServiceError(AwsErrorType.UNRECOGNIZED_CLIENT, INVALID_TOKEN);
        }
        String sessionToken = request.header("x-amz-security-token");
        if (!Objects.equals(sessionToken, credentials.sessionToken().orElse(null))) {
            throw new AwsServiceError(AwsErrorType.UNRECOGNIZED_CLIENT, INVALID_TOKEN);
        }
        if (!region.equals(scope.region())) {
            throw new AwsServiceError(AwsErrorType.INVALID_SIGNATURE,
                    "Credential should be scoped to a valid region, not '" + scope.region() + "'. ");
        }
        if (!service.equals(scope.service())) {
            throw new AwsServiceError(AwsErrorType.INVALID_SIGNATURE,
                    "Credential should be scoped to correct service: '" + service + "'. ");
        }
        String amzDate = request.header("x-amz-date");
        if (amzDate == null) {
            throw new AwsServiceError(AwsErrorType.INCOMPLETE_SIGNATURE,
                    "Authorization header requires existence of a 'X-Amz-Date' header.");
        }
        checkRequestTime(amzDate, scope);
        if (!auth.signedHeaders.contains("host")) {
            throw new AwsServiceError(AwsErrorType.INCOMPLETE_SIGNATURE,
                    "'Host' or ':authority' must be a 'SignedHeader' in the AWS Authorization.");
        }
        String expected = SigV4Crypto.signature(credentials.secretAccessKey(), amzDate, scope, canonicalRequest(request, auth));
        if (!SigV4Crypto.signaturesMatch(expected, auth.signature)) {
            throw new AwsServiceError(AwsErrorType.INVALID_SIGNATURE, SIGNATURE_MISMATCH);
        }
    }

    private void checkRequestTime(String amzDate, CredentialScope scope) throws AwsServiceError {
        Instant signedAt;
        try {
            signedAt = AmzDate.parse(amzDate);
        } catch (SignatureFormatException e) {
            throw new AwsServiceError(AwsErrorType.INCOMPLETE_SIGNATURE, e.getMessage());
        }
        if (!AmzDate.day(amzDate).equals(scope.date())) {
            throw new AwsServiceError(AwsErrorType.INVALID_SIGNATURE, "Date in Credential scope does not match YYYYMMDD"
                    + " from ISO-8601 version of date from HTTP: '" + scope.date() + "' != '" + AmzDate.day(amzDate)
                    + "', from '" + amzDate + "'.");
        }
        Instant now = clock.instant();
        if (signedAt.isBefore(now.minus(allowedSkew))) {
            throw new AwsServiceError(AwsErrorType.INVALID_SIGNATURE, "Signature expired: " + amzDate
                    + " is now earlier than " + AmzDate.format(now.minus(allowedSkew)) + " (" + AmzDate.format(now)
                    + " - " + allowedSkew.toMinutes() + " min.)");
        }
        if (signedAt.isAfter(now.plus(allowedSkew))) {
            throw new AwsServiceError(AwsErrorType.INVALID_SIGNATURE, "Signature not yet current: " + amzDate
                    + " is still later than " + AmzDate.format(now.plus(allowedSkew)) + " (" + AmzDate.format(now)
                    + " + " + allowedSkew.toMinutes() + " min.)");
        }
    }

    private static String canonicalRequest(ReceivedRequest request, AuthorizationHeader auth) throws AwsServiceError {
        try {
            CanonicalRequest.Builder canonical = CanonicalRequest.builder()
                    .method(request.method())
                    .path(request.rawPath())
                    .signedHeaders(auth.signedHeaders)
                    .payloadHash(SigV4Crypto.sha256Hex(request.body()));
            request.headers().forEach(canonical::header);
            if (request.rawQuery() != null && !request.rawQuery().isEmpty()) {
                for (String pair : request.rawQuery().split("&")) {
                    int eq = pair.indexOf('=');
                    String name = eq < 0 ? pair : pair.substring(0, eq);
                    String value = eq < 0 ? "" : pair.substring(eq + 1);
                    canonical.queryParameter(AwsUriEncoding.decode(name), AwsUriEncoding.decode(value));
                }
            }
            return canonical.build().text();
        } catch (SignatureFormatException e) {
            throw new AwsServiceError(AwsErrorType.INCOMPLETE_SIGNATURE, e.getMessage());
        }
    }

    /** {@code AWS4-HMAC-SHA256 Credential=..., SignedHeaders=a;b, Signature=hex}. */
    private static final class AuthorizationHeader {
        final String credential;
        final List<String> signedHeaders;
        final String signature;

        private AuthorizationHeader(String credential, List<String> signedHeaders, String signature) {
            this.credential = credential;
            this.signedHeaders = signedHeaders;
            this.signature = signature;
        }

        static AuthorizationHeader parse(String header) throws AwsServiceError {
            String prefix = SigV4Crypto.ALGORITHM + " ";
            if (!header.startsWith(prefix)) {
                String algorithm = header.split(" ", 2)[0];
                throw new AwsServiceError(AwsErrorType.INCOMPLETE_SIGNATURE,
                        "Unsupported AWS 'algorithm': '" + algorithm + "'.");
            }
            Map<String, String> fields = new HashMap<>();
            for (String part : header.substring(prefix.length()).split(",")) {
                int eq = part.indexOf('=');
                if (eq > 0) {
                    fields.put(part.substring(0, eq).trim(), part.substring(eq + 1).trim());
                }
            }
            List<String> missing = new ArrayList<>();
            for (String required : List.of("Credential", "SignedHeaders", "Signature")) {
                if (fields.get(required) == null || fields.get(required).isEmpty()) {
                    missing.add("Authorization header requires '" + required + "' parameter.");
                }
            }
            if (!missing.isEmpty()) {
                throw new AwsServiceError(AwsErrorType.INCOMPLETE_SIGNATURE, String.join(" ", missing));
            }
            List<String> signed = Arrays.asList(fields.get("SignedHeaders").split(";"));
            return new AuthorizationHeader(fields.get("Credential"), signed, fields.get("Signature"));
        }
    }
}
