package dev.awsjca.testkit.aws.iam;

import dev.awsjca.testkit.aws.AwsTestCredentials;
import dev.awsjca.testkit.aws.sigv4.AmzDate;
import dev.awsjca.testkit.aws.sigv4.CanonicalRequest;
import dev.awsjca.testkit.aws.sigv4.CredentialScope;
import dev.awsjca.testkit.aws.sigv4.SigV4Crypto;
import dev.awsjca.testkit.aws.sigv4.SignatureFormatException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Decides whether a password is a valid RDS IAM auth token for a login, the way RDS does, with the JDK's
 * crypto only (never the AWS SDK's signer, so the check is independent of the code that makes tokens):
 * a SigV4 query-string-presigned {@code GET /?Action=connect&DBUser=<user>} for service {@code rds-db},
 * the expected region and credentials, the endpoint the client connected to, whose canonical request
 * hashes an empty payload and signs only the host header; valid from X-Amz-Date for
 * min(X-Amz-Expires, 15 minutes), give or take the allowed clock skew.
 */
public final class IamTokenVerifier {

    static final String SERVICE = "rds-db";
    /** RDS honours a token for 15 minutes at most, whatever X-Amz-Expires says. */
    static final Duration RDS_MAX_TOKEN_LIFETIME = Duration.ofMinutes(15);

    private final String region;
    private final AwsTestCredentials credentials;
    private final Clock clock;
    private final Duration allowedSkew;
    private final AtomicReference<Instant> notSignedBefore = new AtomicReference<>(Instant.MIN);

    public IamTokenVerifier(String region, AwsTestCredentials credentials, Clock clock, Duration allowedSkew) {
        this.region = Objects.requireNonNull(region, "region");
        this.credentials = Objects.requireNonNull(credentials, "credentials");
        this.clock = Objects.requireNonNull(clock, "clock");
        this.allowedSkew = Objects.requireNonNull(allowedSkew, "allowedSkew");
    }

    /**
     * From now on tokens signed before {@code instant} are refused as expired: lets a test age out the
     * tokens a client has cached without waiting 15 minutes, while fresh tokens still work.
     */
    public void expireTokensSignedBefore(Instant instant) {
        notSignedBefore.set(Objects.requireNonNull(instant, "instant"));
    }

    /**
     * @param token the bind password
     * @param loginUser the database user logging in (from the bind DN)
     * @param acceptedEndpoints the endpoints through which a client reaches this server
     */
    public TokenVerdict verify(String token, String loginUser, Set<RdsEndpoint> acceptedEndpoints) {
        RdsAuthToken parsed;
        try {
            parsed = RdsAuthToken.parse(token);
        } catch (SignatureFormatException e) {
            return new TokenVerdict(TokenCheck.MALFORMED_TOKEN, e.getMessage(), null, null);
        }
        try {
            return verifyParsed(parsed, loginUser, acceptedEndpoints);
        } catch (SignatureFormatException e) {
            return new TokenVerdict(TokenCheck.MALFORMED_TOKEN, e.getMessage(), parsed.endpoint(), null);
        }
    }

    private TokenVerdict verifyParsed(RdsAuthToken token, String loginUser, Set<RdsEndpoint> acceptedEndpoints)
            throws SignatureFormatException {
        RdsEndpoint endpoint = token.endpoint();
        if (!"connect".equals(token.required("Action"))) {
            throw new SignatureFormatException("the token's Action must be connect");
        }
        if (!SigV4Crypto.ALGORITHM.equals(token.required("X-Amz-Algorithm"))) {
            throw new SignatureFormatException("the token's X-Amz-Algorithm must be " + SigV4Crypto.ALGORITHM);
        }
        if (!"host".equals(token.required("X-Amz-SignedHeaders"))) {
            throw new SignatureFormatException("the token must sign exactly the host header");
        }
        String dbUser = token.required("DBUser");
        String amzDate = token.required("X-Amz-Date");
        Instant signedAt = AmzDate.parse(amzDate);
        Duration expires = expires(token.required("X-Amz-Expires"));
        String signature = token.required(RdsAuthToken.SIGNATURE);
        CredentialScope scope = CredentialScope.parse(token.required("X-Amz-Credential"));

        if (!credentials.accessKeyId().equals(scope.accessKeyId())) {
            return refuse(TokenCheck.UNKNOWN_ACCESS_KEY, "signed with access key " + scope.accessKeyId()
                    + ", expected " + credentials.accessKeyId(), endpoint, signedAt);
        }
        if (!Objects.equals(token.parameter("X-Amz-Security-Token"), credentials.sessionToken().orElse(null))) {
            return refuse(TokenCheck.WRONG_SESSION_TOKEN, credentials.sessionToken().isPresent()
                    ? "the session token is missing or not the expected one" : "a session token was given, none expected",
                    endpoint, signedAt);
        }
        if (!SERVICE.equals(scope.service())) {
            return refuse(TokenCheck.WRONG_SERVICE, "signed for service " + scope.service() + ", expected " + SERVICE,
                    endpoint, signedAt);
        }
        if (!region.equals(scope.region())) {
            return refuse(TokenCheck.WRONG_REGION, "signed for region " + scope.region() + ", expected " + region,
                    endpoint, signedAt);
        }
        if (!scope.date().equals(AmzDate.day(amzDate))) {
            return refuse(TokenCheck.BAD_SIGNATURE, "the credential scope's date is not X-Amz-Date's day", endpoint, signedAt);
        }
        String expected = SigV4Crypto.signature(credentials.secretAccessKey(), amzDate, scope, canonicalRequest(token));
        if (!SigV4Crypto.signaturesMatch(expected, signature)) {
            return refuse(TokenCheck.BAD_SIGNATURE, "the signature does not verify with the expected credentials",
                    endpoint, signedAt);
        }
        if (!acceptedEndpoints.contains(endpoint)) {
            return refuse(TokenCheck.WRONG_ENDPOINT, "signed for " + endpoint + ", this server is reached through "
                    + acceptedEndpoints, endpoint, signedAt);
        }
        if (!dbUser.equals(loginUser)) {
            return refuse(TokenCheck.WRONG_USER, "signed for DBUser " + dbUser + ", logging in as " + loginUser,
                    endpoint, signedAt);
        }
        return checkTime(signedAt, expires, endpoint);
    }

    private TokenVerdict checkTime(Instant signedAt, Duration expires, RdsEndpoint endpoint) {
        Instant now = clock.instant();
        Instant validUntil = signedAt.plus(expires.compareTo(RDS_MAX_TOKEN_LIFETIME) < 0 ? expires : RDS_MAX_TOKEN_LIFETIME);
        if (now.minus(allowedSkew).isAfter(validUntil)) {
            return refuse(TokenCheck.EXPIRED, "signed at " + signedAt + ", valid until " + validUntil + ", now " + now,
                    endpoint, signedAt);
        }
        if (signedAt.isBefore(notSignedBefore.get())) {
            return refuse(TokenCheck.EXPIRED, "signed at " + signedAt + ", before the cut-off " + notSignedBefore.get()
                    + " the test set", endpoint, signedAt);
        }
        if (signedAt.isAfter(now.plus(allowedSkew))) {
            return refuse(TokenCheck.NOT_YET_VALID, "signed at " + signedAt + ", in the future (now " + now + ")",
                    endpoint, signedAt);
        }
        return new TokenVerdict(TokenCheck.ACCEPTED, "valid until " + validUntil, endpoint, signedAt);
    }

    /** GET / with every parameter but the signature, host as written in the token, empty payload. */
    private static String canonicalRequest(RdsAuthToken token) throws SignatureFormatException {
        CanonicalRequest.Builder canonical = CanonicalRequest.builder()
                .method("GET")
                .path("/")
                .header("host", token.authority())
                .signedHeaders(List.of("host"))
                .payloadHash(SigV4Crypto.EMPTY_PAYLOAD_SHA256);
        for (Map.Entry<String, String> parameter : token.parameters().entrySet()) {
            if (!RdsAuthToken.SIGNATURE.equals(parameter.getKey())) {
                canonical.queryParameter(parameter.getKey(), parameter.getValue());
            }
        }
        return canonical.build().text();
    }

    private static Duration expires(String seconds) throws SignatureFormatException {
        try {
            long value = Long.parseLong(seconds);
            if (value < 1 || value > 604_800) {
                throw new SignatureFormatException("X-Amz-Expires must be 1..604800 seconds");
            }
            return Duration.ofSeconds(value);
        } catch (NumberFormatException e) {
            throw new SignatureFormatException("X-Amz-Expires must be a number of seconds");
        }
    }

    private static TokenVerdict refuse(TokenCheck check, String detail, RdsEndpoint endpoint, Instant signedAt) {
        return new TokenVerdict(check, detail, endpoint, signedAt);
    }

    @Override
    public String toString() {
        return "IamTokenVerifier[region=" + region + ", " + credentials + "]";
    }
}
