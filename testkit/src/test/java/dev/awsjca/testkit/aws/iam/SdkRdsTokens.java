package dev.awsjca.testkit.aws.iam;

import dev.awsjca.testkit.aws.AwsTestCredentials;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.AwsCredentials;
import software.amazon.awssdk.auth.credentials.AwsSessionCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.http.SdkHttpFullRequest;
import software.amazon.awssdk.http.SdkHttpMethod;
import software.amazon.awssdk.http.auth.aws.signer.AwsV4FamilyHttpSigner;
import software.amazon.awssdk.http.auth.aws.signer.AwsV4HttpSigner;
import software.amazon.awssdk.http.auth.spi.signer.HttpSigner;
import software.amazon.awssdk.http.auth.spi.signer.SignedRequest;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.rds.RdsUtilities;

/**
 * Tokens made by the AWS SDK, the code the verifier must agree with: {@link RdsUtilities} for current
 * tokens, and the SDK's own SigV4 presigner with a fixed clock for tokens signed at another time (the
 * RdsUtilities builder takes no clock).
 */
public final class SdkRdsTokens {

    private SdkRdsTokens() {
    }

    public static String token(AwsTestCredentials credentials, String region, String host, int port, String dbUser) {
        RdsUtilities utilities = RdsUtilities.builder()
                .region(Region.of(region))
                .credentialsProvider(StaticCredentialsProvider.create(sdkCredentials(credentials)))
                .build();
        return utilities.generateAuthenticationToken(r -> r.hostname(host).port(port).username(dbUser));
    }

    /** What RdsUtilities does (presigned GET /?Action=connect&DBUser=..), signed at the given instant. */
    public static String tokenSignedAt(Instant signedAt, AwsTestCredentials credentials, String region, String host,
            int port, String dbUser) {
        return tokenSignedAt(signedAt, Duration.ofMinutes(15), credentials, region, host, port, dbUser);
    }

    /** As above with another X-Amz-Expires than RdsUtilities' 15 minutes. */
    public static String tokenSignedAt(Instant signedAt, Duration expires, AwsTestCredentials credentials, String region,
            String host, int port, String dbUser) {
        SdkHttpFullRequest request = SdkHttpFullRequest.builder()
                .method(SdkHttpMethod.GET)
                .protocol("https")
                .host(host)
                .port(port)
                .encodedPath("/")
                .putRawQueryParameter("DBUser", dbUser)
                .putRawQueryParameter("Action", "connect")
                .build();
        SignedRequest signed = AwsV4HttpSigner.create().sign(r -> r
                .identity(sdkCredentials(credentials))
                .request(request)
                .putProperty(AwsV4HttpSigner.SERVICE_SIGNING_NAME, "rds-db")
                .putProperty(AwsV4HttpSigner.REGION_NAME, region)
                .putProperty(AwsV4FamilyHttpSigner.AUTH_LOCATION, AwsV4FamilyHttpSigner.AuthLocation.QUERY_STRING)
                .putProperty(AwsV4FamilyHttpSigner.EXPIRATION_DURATION, expires)
                .putProperty(HttpSigner.SIGNING_CLOCK, Clock.fixed(signedAt, ZoneOffset.UTC)));
        return signed.request().getUri().toString().substring("https://".length());
    }

    static AwsCredentials sdkCredentials(AwsTestCredentials credentials) {
        return credentials.sessionToken()
                .<AwsCredentials>map(t -> AwsSessionCredentials.create(credentials.accessKeyId(), credentials.secretAccessKey(), t))
                .orElseGet(() -> AwsBasicCredentials.create(credentials.accessKeyId(), credentials.secretAccessKey()));
    }
}
