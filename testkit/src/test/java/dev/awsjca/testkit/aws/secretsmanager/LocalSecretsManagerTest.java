package dev.awsjca.testkit.aws.secretsmanager;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.awsjca.testkit.aws.AwsTestCredentials;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.awscore.exception.AwsServiceException;
import software.amazon.awssdk.services.secretsmanager.SecretsManagerClient;
import software.amazon.awssdk.services.secretsmanager.model.GetSecretValueResponse;
import software.amazon.awssdk.services.secretsmanager.model.InternalServiceErrorException;
import software.amazon.awssdk.services.secretsmanager.model.InvalidRequestException;
import software.amazon.awssdk.services.secretsmanager.model.PutSecretValueResponse;
import software.amazon.awssdk.services.secretsmanager.model.ResourceNotFoundException;

/** The real SDK client against the local endpoint: it must be indistinguishable from AWS for these calls. */
class LocalSecretsManagerTest {

    private static final String REGION = "eu-west-1";
    private static final AwsTestCredentials CREDENTIALS = AwsTestCredentials.of("AKIDLOCALSM000001", "local-sm-secret-key");
    private static final String SECRET = "prod/orders/db";
    private static final String V1 = "{\"username\":\"app\",\"password\":\"first-password\"}";
    private static final String V2 = "{\"username\":\"app\",\"password\":\"second-password\"}";

    private LocalSecretsManager sm;
    private SecretsManagerClient client;

    @BeforeEach
    void start() {
        sm = LocalSecretsManager.builder().region(REGION).credentials(CREDENTIALS).start();
        client = SecretsManagerClients.noRetries(sm, CREDENTIALS, REGION);
    }

    @AfterEach
    void stop() {
        client.close();
        sm.close();
    }

    @Test
    void fetchesBySecretNameFullArnAndPartialArn() {
        sm.putSecret(SECRET, V1);
        String arn = sm.arnOf(SECRET);
        String partialArn = arn.substring(0, arn.length() - "-abcdef".length());

        for (String id : List.of(SECRET, arn, partialArn)) {
            GetSecretValueResponse response = client.getSecretValue(r -> r.secretId(id));
            assertEquals(V1, response.secretString());
            assertEquals(SECRET, response.name());
            assertEquals(arn, response.arn());
            assertEquals(List.of("AWSCURRENT"), response.versionStages());
            assertTrue(Duration.between(response.createdDate(), Instant.now()).abs().getSeconds() < 60);
        }
        assertTrue(arn.startsWith("arn:aws:secretsmanager:" + REGION + ":123456789012:secret:" + SECRET + "-"), arn);
        assertEquals(3, sm.calls().getSecretValue(SECRET), "calls by ARN count for the secret's name");
        assertEquals(3, sm.calls().successfulGetSecretValue(SECRET));
    }

    @Test
    void aBinarySecretIsAnsweredAsSecretBinaryWithoutSecretString() {
        byte[] value = {0, 1, 2, (byte) 0xff, 'p', 'w'};
        sm.putSecretBinary(SECRET, value);
        GetSecretValueResponse response = client.getSecretValue(r -> r.secretId(SECRET));
        assertEquals(null, response.secretString());
        assertTrue(java.util.Arrays.equals(value, response.secretBinary().asByteArray()));
        sm.putSecret(SECRET, V1);
        assertEquals(V1, client.getSecretValue(r -> r.secretId(SECRET)).secretString(), "a string version replaces it");
    }

    @Test
    void unknownSecretIsResourceNotFound() {
        ResourceNotFoundException e = assertThrows(ResourceNotFoundException.class,
                () -> client.getSecretValue(r -> r.secretId("no/such/secret")));
        assertEquals(400, e.statusCode());
        assertEquals("ResourceNotFoundException", e.awsErrorDetails().errorCode());
        assertEquals("Secrets Manager can't find the specified secret.", e.awsErrorDetails().errorMessage());
        assertEquals(1, sm.calls().getSecretValue("no/such/secret"));
        assertEquals(0, sm.calls().successfulGetSecretValue("no/such/secret"));
    }

    @Test
    void deniedSecretIsAccessDeniedByNameAndArn() {
        sm.putSecret(SECRET, V1);
        sm.faults().denyAccess(SECRET);
        for (String id : List.of(SECRET, sm.arnOf(SECRET))) {
            AwsServiceException e = assertThrows(AwsServiceException.class, () -> client.getSecretValue(r -> r.secretId(id)));
            assertEquals("AccessDeniedException", e.awsErrorDetails().errorCode());
            assertEquals(400, e.statusCode());
            assertFalse(e.getMessage().contains("first-password"));
        }
        sm.faults().allowAccess(SECRET);
        assertEquals(V1, client.getSecretValue(r -> r.secretId(SECRET)).secretString());
        assertEquals(2, sm.calls().withOutcome("AccessDeniedException"));
    }

    @Test
    void throttledCallsAreThrottlingExceptionsThenServedAgain() {
        sm.putSecret(SECRET, V1);
        sm.faults().throttleNext(2);
        for (int i = 0; i < 2; i++) {
            AwsServiceException e = assertThrows(AwsServiceException.class, () -> client.getSecretValue(r -> r.secretId(SECRET)));
            assertEquals("ThrottlingException", e.awsErrorDetails().errorCode());
            assertTrue(e.isThrottlingException(), "the SDK must classify it as throttling (it retries those)");
        }
        assertEquals(V1, client.getSecretValue(r -> r.secretId(SECRET)).secretString());
        assertEquals(3, sm.calls().getSecretValue(SECRET));
        assertEquals(2, sm.calls().withOutcome("ThrottlingException"));
    }

    @Test
    void theSdkRetriesOneThrottledCallByItself() {
        sm.putSecret(SECRET, V1);
        sm.faults().throttleNext(1);
        try (SecretsManagerClient retrying = SecretsManagerClients.withDefaultRetries(sm, CREDENTIALS)) {
            assertEquals(V1, retrying.getSecretValue(r -> r.secretId(SECRET)).secretString());
        }
        assertEquals(2, sm.calls().getSecretValue(SECRET));
        assertEquals(1, sm.calls().successfulGetSecretValue(SECRET));
    }

    @Test
    void serverErrorsAreInternalServiceErrors() {
        sm.putSecret(SECRET, V1);
        sm.faults().failNextWithServerError(1);
        InternalServiceErrorException e = assertThrows(InternalServiceErrorException.class,
                () -> client.getSecretValue(r -> r.secretId(SECRET)));
        assertEquals(500, e.statusCode());
    }

    @Test
    void wrongSecretKeyIsInvalidSignature() {
        sm.putSecret(SECRET, V1);
        AwsTestCredentials forged = AwsTestCredentials.of(CREDENTIALS.accessKeyId(), "not-the-secret-key");
        try (SecretsManagerClient forger = SecretsManagerClients.noRetries(sm, forged, REGION)) {
            AwsServiceException e = assertThrows(AwsServiceException.class, () -> forger.getSecretValue(r -> r.secretId(SECRET)));
            assertEquals("InvalidSignatureException", e.awsErrorDetails().errorCode());
            assertEquals(400, e.statusCode());
            assertTrue(e.awsErrorDetails().errorMessage().startsWith("The request signature we calculated does not match"));
        }
        assertEquals(0, sm.calls().successfulGetSecretValue(SECRET));
    }

    @Test
    void unknownAccessKeyIsUnrecognizedClient() {
        sm.putSecret(SECRET, V1);
        AwsTestCredentials stranger = AwsTestCredentials.of("AKIDSOMEONEELSE", CREDENTIALS.secretAccessKey());
        try (SecretsManagerClient other = SecretsManagerClients.noRetries(sm, stranger, REGION)) {
            AwsServiceException e = assertThrows(AwsServiceException.class, () -> other.getSecretValue(r -> r.secretId(SECRET)));
            assertEquals("UnrecognizedClientException", e.awsErrorDetails().errorCode());
        }
    }

    @Test
    void requestSignedForAnotherRegionIsRefused() {
        sm.putSecret(SECRET, V1);
        try (SecretsManagerClient other = SecretsManagerClients.noRetries(sm, CREDENTIALS, "us-west-2")) {
            AwsServiceException e = assertThrows(AwsServiceException.class, () -> other.getSecretValue(r -> r.secretId(SECRET)));
            assertEquals("InvalidSignatureException", e.awsErrorDetails().errorCode());
            assertTrue(e.awsErrorDetails().errorMessage().contains("region"), e.awsErrorDetails().errorMessage());
        }
    }

    @Test
    void requestSignedLongAgoIsExpired() {
        // the endpoint's clock runs 10 minutes ahead: the SDK's fresh signature is 10 minutes old to it
        try (LocalSecretsManager late = LocalSecretsManager.builder().region(REGION).credentials(CREDENTIALS)
                .clock(Clock.offset(Clock.systemUTC(), Duration.ofMinutes(10))).start();
                SecretsManagerClient c = SecretsManagerClients.noRetries(late, CREDENTIALS, REGION)) {
            late.putSecret(SECRET, V1);
            AwsServiceException e = assertThrows(AwsServiceException.class, () -> c.getSecretValue(r -> r.secretId(SECRET)));
            assertEquals("InvalidSignatureException", e.awsErrorDetails().errorCode());
            assertTrue(e.awsErrorDetails().errorMessage().startsWith("Signature expired"), e.awsErrorDetails().errorMessage());
        }
    }

    @Test
    void sessionCredentialsMustCarryTheExpectedToken() {
        AwsTestCredentials temporary = AwsTestCredentials.withSessionToken("ASIALOCAL0001", "temp-secret", "session-token-1");
        try (LocalSecretsManager sts = LocalSecretsManager.builder().region(REGION).credentials(temporary).start();
                SecretsManagerClient good = SecretsManagerClients.noRetries(sts, temporary, REGION);
                SecretsManagerClient stale = SecretsManagerClients.noRetries(sts,
                        AwsTestCredentials.withSessionToken("ASIALOCAL0001", "temp-secret", "session-token-0"), REGION)) {
            sts.putSecret(SECRET, V1);
            assertEquals(V1, good.getSecretValue(r -> r.secretId(SECRET)).secretString());
            AwsServiceException e = assertThrows(AwsServiceException.class, () -> stale.getSecretValue(r -> r.secretId(SECRET)));
            assertEquals("UnrecognizedClientException", e.awsErrorDetails().errorCode());
        }
    }

    @Test
    void unsignedRequestIsMissingAuthenticationToken() throws Exception {
        HttpResponse<String> response = HttpClient.newHttpClient().send(HttpRequest.newBuilder(sm.endpoint())
                .header("Content-Type", "application/x-amz-json-1.1")
                .header("X-Amz-Target", "secretsmanager.GetSecretValue")
                .POST(HttpRequest.BodyPublishers.ofString("{\"SecretId\":\"" + SECRET + "\"}"))
                .build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(400, response.statusCode());
        assertTrue(response.body().contains("\"__type\":\"MissingAuthenticationTokenException\""), response.body());
        assertEquals("MissingAuthenticationTokenException", sm.calls().all().get(0).outcome());
    }

    @Test
    void rotationMovesCurrentAndPreviousLabels() {
        String v1 = sm.putSecret(SECRET, V1);
        String v2 = sm.putSecret(SECRET, V2);

        GetSecretValueResponse current = client.getSecretValue(r -> r.secretId(SECRET));
        assertEquals(V2, current.secretString());
        assertEquals(v2, current.versionId());
        GetSecretValueResponse previous = client.getSecretValue(r -> r.secretId(SECRET).versionStage("AWSPREVIOUS"));
        assertEquals(V1, previous.secretString());
        assertEquals(List.of("AWSPREVIOUS"), previous.versionStages());
        assertEquals(V1, client.getSecretValue(r -> r.secretId(SECRET).versionId(v1)).secretString());
        assertThrows(InvalidRequestException.class,
                () -> client.getSecretValue(r -> r.secretId(SECRET).versionId(v1).versionStage("AWSCURRENT")));
        assertThrows(ResourceNotFoundException.class,
                () -> client.getSecretValue(r -> r.secretId(SECRET).versionStage("AWSPENDING")));
    }

    @Test
    void pendingRotationIsInvisibleUntilFinished() {
        sm.putSecret(SECRET, V1);
        String pending = sm.putPendingSecret(SECRET, V2);
        assertEquals(V1, client.getSecretValue(r -> r.secretId(SECRET)).secretString());
        assertEquals(V2, client.getSecretValue(r -> r.secretId(SECRET).versionStage("AWSPENDING")).secretString());

        assertEquals(pending, sm.finishRotation(SECRET));
        assertEquals(V2, client.getSecretValue(r -> r.secretId(SECRET)).secretString());
        assertEquals(V1, client.getSecretValue(r -> r.secretId(SECRET).versionStage("AWSPREVIOUS")).secretString());
        assertEquals(pending, sm.currentVersion(SECRET).versionId());
    }

    @Test
    void putSecretValueThroughTheSdkRotatesToo() {
        sm.putSecret(SECRET, V1);
        PutSecretValueResponse put = client.putSecretValue(r -> r.secretId(sm.arnOf(SECRET)).secretString(V2)
                .clientRequestToken("11111111-2222-3333-4444-555555555555"));
        assertEquals("11111111-2222-3333-4444-555555555555", put.versionId());
        assertEquals(List.of("AWSCURRENT"), put.versionStages());
        assertEquals(V2, sm.currentVersion(SECRET).secretString());
        assertThrows(ResourceNotFoundException.class, () -> client.putSecretValue(r -> r.secretId("missing").secretString(V2)));
    }

    @Test
    void secretMarkedForDeletionIsInvalidRequest() {
        sm.putSecret(SECRET, V1);
        sm.markForDeletion(SECRET);
        InvalidRequestException e = assertThrows(InvalidRequestException.class,
                () -> client.getSecretValue(r -> r.secretId(SECRET)));
        assertTrue(e.awsErrorDetails().errorMessage().contains("marked for deletion"));
        sm.deleteSecret(SECRET);
        assertThrows(ResourceNotFoundException.class, () -> client.getSecretValue(r -> r.secretId(SECRET)));
    }

    @Test
    void delayedResponsesTakeAtLeastTheDelay() {
        sm.putSecret(SECRET, V1);
        sm.faults().delayResponses(Duration.ofMillis(300));
        long start = System.nanoTime();
        client.getSecretValue(r -> r.secretId(SECRET));
        assertTrue(Duration.ofNanos(System.nanoTime() - start).toMillis() >= 300);
        sm.faults().clear();
    }

    @Test
    void jsonSecretsAreWrittenWithAJsonLibrary() throws Exception {
        Map<String, Object> fields = new LinkedHashMap<>();
        fields.put("username", "app");
        fields.put("password", "p\"w\\d");
        fields.put("port", 5432);
        sm.putSecretJson(SECRET, fields);
        String json = client.getSecretValue(r -> r.secretId(SECRET)).secretString();
        assertEquals(fields, new ObjectMapper().readValue(json, Map.class));
    }

    @Test
    void servesAStormOfConcurrentClients() throws Exception {
        sm.putSecret(SECRET, V1);
        ExecutorService pool = Executors.newFixedThreadPool(16);
        try {
            List<Future<String>> values = new ArrayList<>();
            for (int i = 0; i < 100; i++) {
                values.add(pool.submit(() -> client.getSecretValue(r -> r.secretId(SECRET)).secretString()));
            }
            for (Future<String> value : values) {
                assertEquals(V1, value.get());
            }
        } finally {
            pool.shutdownNow();
        }
        assertEquals(100, sm.calls().successfulGetSecretValue(SECRET));
    }

    @Test
    void toStringsShowNoSecretValues() {
        sm.putSecret(SECRET, V1);
        assertFalse(sm.currentVersion(SECRET).toString().contains("first-password"));
        assertFalse(CREDENTIALS.toString().contains(CREDENTIALS.secretAccessKey()));
        assertTrue(sm.toString().contains(sm.endpoint().toString()));
    }
}
