package dev.awsjca.plugins.secretsmanager;

import dev.awsjca.plugins.aws.AwsCredentials;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.awscore.exception.AwsServiceException;
import software.amazon.awssdk.core.exception.ApiCallTimeoutException;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.secretsmanager.SecretsManagerClient;
import software.amazon.awssdk.services.secretsmanager.SecretsManagerClientBuilder;

import java.sql.SQLException;
import java.sql.SQLInvalidAuthorizationSpecException;
import java.sql.SQLTransientConnectionException;
import java.time.Duration;

/**
 * Reads a secret with the AWS SDK. A client is made for each fetch and closed after it: a fetch happens
 * once per cache period, and nothing (thread, socket, credentials refresher) outlives it.
 */
final class SecretFetcher {

    private SecretFetcher() {
    }

    static DatabaseSecret fetch(SecretsSettings s) throws SQLException {
        Region region = s.region() != null ? Region.of(s.region()) : AwsCredentials.defaultRegion("region");
        try (AwsCredentials.Session credentials = AwsCredentials.open(s.profile());
             SecretsManagerClient client = client(s, region, credentials.provider())) {
            String value = client.getSecretValue(b -> b.secretId(s.secretId())).secretString();
            return DatabaseSecret.parse(s.secretId(), value);
        } catch (AwsServiceException e) {
            String code = e.awsErrorDetails() == null ? "" : e.awsErrorDetails().errorCode();
            String what = switch (code) {
                case "ResourceNotFoundException" -> "not found";
                case "AccessDeniedException" -> "access denied";
                case "ThrottlingException" -> "throttled by Secrets Manager";
                case "DecryptionFailure" -> "it cannot be decrypted with its KMS key";
                default -> code.isEmpty() ? "HTTP " + e.statusCode() : code;
            };
            String message = "Secret '" + s.secretId() + "' in " + region.id() + ": " + what;
            throw e.isThrottlingException() || e.statusCode() >= 500
                    ? new SQLTransientConnectionException(message, "08001", e)
                    : new SQLInvalidAuthorizationSpecException(message, "28000", e);
        } catch (ApiCallTimeoutException e) {
            throw new SQLTransientConnectionException("Secret '" + s.secretId() + "' could not be read within secretsManagerTimeoutMs="
                    + s.timeoutMs() + " (Secrets Manager did not answer in time)", "08001", e);
        } catch (SdkException e) {
            throw new SQLTransientConnectionException("Secret '" + s.secretId() + "' could not be read: " + e.getMessage(), "08001", e);
        }
    }

    /**
     * The whole call, the SDK's retries included, is bounded by secretsManagerTimeoutMs, and so is each
     * connect and read of the HTTP client: a hanging endpoint costs a login that long, not minutes.
     */
    private static SecretsManagerClient client(SecretsSettings s, Region region, AwsCredentialsProvider credentials) {
        Duration timeout = Duration.ofMillis(s.timeoutMs());
        SecretsManagerClientBuilder b = SecretsManagerClient.builder().region(region).credentialsProvider(credentials)
                .overrideConfiguration(o -> o.apiCallTimeout(timeout))
                .httpClient(UrlConnectionHttpClient.builder().connectionTimeout(timeout).socketTimeout(timeout).build());
        if (s.endpoint() != null) {
            b.endpointOverride(s.endpoint());
        }
        return b.build();
    }
}
