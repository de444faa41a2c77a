package dev.awsjca.testkit.aws;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.unboundid.ldap.sdk.LDAPConnection;
import com.unboundid.ldap.sdk.LDAPException;
import dev.awsjca.testkit.aws.iam.IamTokenLdapServer;
import dev.awsjca.testkit.aws.iam.RdsEndpoint;
import dev.awsjca.testkit.aws.iam.SdkRdsTokens;
import dev.awsjca.testkit.aws.secretsmanager.LocalSecretsManager;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.secretsmanager.SecretsManagerClient;

/**
 * With every log level of the endpoints on, nothing they log (accepted or refused requests and binds)
 * contains a secret value, a token, a signature or a secret key.
 */
class NoSecretsInLogsTest {

    private static final AwsTestCredentials CREDENTIALS = AwsTestCredentials.of("AKIDLOGCHECK0001", "log-check-secret-key");
    private static final String SECRET_VALUE = "{\"username\":\"app\",\"password\":\"pw-never-logged-4711\"}";

    @Test
    void endpointsLogNoSecretMaterial() throws Exception {
        Logger root = Logger.getLogger("dev.awsjca.testkit.aws");
        Level before = root.getLevel();
        List<String> messages = new CopyOnWriteArrayList<>();
        Handler capture = new Handler() {
            @Override
            public void publish(LogRecord record) {
                messages.add(new java.util.logging.SimpleFormatter().formatMessage(record));
            }

            @Override
            public void flush() {
            }

            @Override
            public void close() {
            }
        };
        capture.setLevel(Level.ALL);
        root.setLevel(Level.ALL);
        root.addHandler(capture);
        List<String> forbidden;
        try {
            forbidden = exerciseEndpoints();
        } finally {
            root.removeHandler(capture);
            root.setLevel(before);
        }
        assertTrue(messages.size() >= 6, "the endpoints log at DEBUG: " + messages.size() + " records");
        for (String message : messages) {
            for (String secret : forbidden) {
                assertFalse(message.contains(secret), "a log record contains secret material: " + message.length() + " chars");
            }
        }
    }

    /** Runs good and bad requests and binds; returns the strings no log record may contain. */
    private static List<String> exerciseEndpoints() throws LDAPException {
        String host = "db.internal";
        String validToken = SdkRdsTokens.token(CREDENTIALS, "us-east-1", host, 5432, "app");
        String expiredToken = SdkRdsTokens.tokenSignedAt(Instant.now().minus(Duration.ofHours(1)), CREDENTIALS, "us-east-1",
                host, 5432, "app");
        try (LocalSecretsManager sm = LocalSecretsManager.builder().credentials(CREDENTIALS).start();
                IamTokenLdapServer ldap = IamTokenLdapServer.builder().credentials(CREDENTIALS)
                        .acceptEndpoints(RdsEndpoint.of(host, 5432)).start()) {
            sm.putSecret("app/db", SECRET_VALUE);
            try (SecretsManagerClient good = client(sm, CREDENTIALS.secretAccessKey());
                    SecretsManagerClient forged = client(sm, "wrong-secret-key")) {
                good.getSecretValue(r -> r.secretId("app/db"));
                sm.faults().denyAccess("app/db");
                try {
                    good.getSecretValue(r -> r.secretId("app/db"));
                } catch (RuntimeException expected) {
                    // AccessDenied, logged
                }
                try {
                    forged.getSecretValue(r -> r.secretId("app/db"));
                } catch (RuntimeException expected) {
                    // InvalidSignature, logged
                }
            }
            try (LDAPConnection connection = new LDAPConnection("127.0.0.1", ldap.port())) {
                connection.bind(ldap.bindDn("app", ""), validToken);
                for (String[] attempt : List.of(new String[] {"app", expiredToken}, new String[] {"other", validToken})) {
                    try {
                        connection.bind(ldap.bindDn(attempt[0], ""), attempt[1]);
                    } catch (LDAPException expected) {
                        // refused, logged
                    }
                }
            }
        }
        return List.of("pw-never-logged-4711", CREDENTIALS.secretAccessKey(), "wrong-secret-key", signature(validToken),
                signature(expiredToken));
    }

    private static String signature(String token) {
        return token.substring(token.indexOf("X-Amz-Signature=") + "X-Amz-Signature=".length());
    }

    private static SecretsManagerClient client(LocalSecretsManager sm, String secretKey) {
        return SecretsManagerClient.builder()
                .endpointOverride(sm.endpoint())
                .region(Region.of(sm.region()))
                .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create(CREDENTIALS.accessKeyId(), secretKey)))
                .httpClientBuilder(UrlConnectionHttpClient.builder())
                .overrideConfiguration(o -> o.retryStrategy(software.amazon.awssdk.awscore.retry.AwsRetryStrategy.doNotRetry()))
                .build();
    }
}
