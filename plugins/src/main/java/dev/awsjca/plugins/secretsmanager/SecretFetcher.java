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
import software.amazon.awssdk.services.secretsmanager.model.GetSecretValueResponse;
import software.amazon.awssdk.thirdparty.jackson.core.JsonProcessingException;

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
            GetSecretValueResponse answer = client.getSecretValue(b -> b.secretId(s.secretId()));
            if (answer.secretString() == null && answer.secretBinary() != null) {
                throw DatabaseSecret.unusable(s.secretId(), "it is a binary secret (SecretBinary), and a SecretString holding"
                        + " JSON with username and password is needed");
            }
            return DatabaseSecret.parse(s.secretId(), answer.secretString());
        } catch (AwsServiceException e) {
            // a proxy or another service answers an HTTP error without Secrets Manager's error code
            String code = e.awsErrorDetails() == null || e.awsErrorDetails().errorCode() == null ? ""
                    : e.awsErrorDetails().errorCode();
            String what = switch (code) {
                case "ResourceNotFoundException" -> "not found";
                case "AccessDeniedException" -> "access denied";
                case "ThrottlingException" -> "throttled by Secrets Manager";
                case "DecryptionFailure" -> "it cannot be decrypted with its KMS key";
                default -> code.isEmpty() ? "HTTP " + e.statusCode() + " from " + where(s, region)
                        + ", without a Secrets Manager error code" : code;
            };
            String message = "Secret '" + s.secretId() + "' in " + region.id() + ": " + what;
            throw e.isThrottlingException() || e.statusCode() >= 500
                    ? new SQLTransientConnectionException(message, "08001", e)
                    : new SQLInvalidAuthorizationSpecException(message, "28000", e);
        } catch (ApiCallTimeoutException e) {
            throw new SQLTransientConnectionException("Secret '" + s.secretId() + "' could not be read within secretsManagerTimeoutMs="
                    + s.timeoutMs() + " (" + where(s, region) + " did not answer in time)", "08001", e);
        } catch (SdkException e) {
            if (notJson(e)) {
                // no cause: the JSON parser quotes what it could not read, and an endpoint that is not Secrets
                // Manager may answer the password itself as plain text
                throw new SQLTransientConnectionException("Secret '" + s.secretId() + "' could not be read: the answer of "
                        + where(s, region) + " is not JSON, so not Secrets Manager's", "08001");
            }
            throw new SQLTransientConnectionException("Secret '" + s.secretId() + "' could not be read from " + where(s, region)
                    + ": " + e.getMessage(), "08001", e);
        }
    }

    /** Where the secret is asked for, as the messages name it: the configured endpoint, else the region's. */
    private static String where(SecretsSettings s, Region region) {
        return s.endpoint() != null ? "secretsManagerEndpoint " + s.endpoint() : "Secrets Manager in " + region.id();
    }

    private static boolean notJson(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof JsonProcessingException) {
                return true;
            }
        }
        return false;
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
