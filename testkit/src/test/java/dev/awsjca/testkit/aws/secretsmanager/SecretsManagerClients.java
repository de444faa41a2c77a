package dev.awsjca.testkit.aws.secretsmanager;

import dev.awsjca.testkit.aws.AwsTestCredentials;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.AwsCredentials;
import software.amazon.awssdk.auth.credentials.AwsSessionCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.awscore.retry.AwsRetryStrategy;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.secretsmanager.SecretsManagerClient;

/** Real SDK clients for the local endpoint: explicit region and static credentials, never a default chain. */
final class SecretsManagerClients {

    private SecretsManagerClients() {
    }

    static SecretsManagerClient noRetries(LocalSecretsManager sm, AwsTestCredentials credentials, String region) {
        return builder(sm, credentials, region)
                .overrideConfiguration(o -> o.retryStrategy(AwsRetryStrategy.doNotRetry()))
                .build();
    }

    static SecretsManagerClient withDefaultRetries(LocalSecretsManager sm, AwsTestCredentials credentials) {
        return builder(sm, credentials, sm.region()).build();
    }

    private static software.amazon.awssdk.services.secretsmanager.SecretsManagerClientBuilder builder(
            LocalSecretsManager sm, AwsTestCredentials credentials, String region) {
        return SecretsManagerClient.builder()
                .endpointOverride(sm.endpoint())
                .region(Region.of(region))
                .credentialsProvider(StaticCredentialsProvider.create(sdkCredentials(credentials)))
                .httpClientBuilder(UrlConnectionHttpClient.builder());
    }

    static AwsCredentials sdkCredentials(AwsTestCredentials credentials) {
        return credentials.sessionToken()
                .<AwsCredentials>map(token -> AwsSessionCredentials.create(credentials.accessKeyId(),
                        credentials.secretAccessKey(), token))
                .orElseGet(() -> AwsBasicCredentials.create(credentials.accessKeyId(), credentials.secretAccessKey()));
    }
}
