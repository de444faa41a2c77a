package dev.awsjca.testkit.aws.iam;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.unboundid.ldap.sdk.LDAPConnection;
import com.unboundid.ldap.sdk.LDAPException;
import com.unboundid.ldap.sdk.ResultCode;
import dev.awsjca.testkit.aws.AwsTestCredentials;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.auth.credentials.SystemPropertyCredentialsProvider;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.rds.RdsUtilities;

/** SDK-made tokens against the independent verifier, over real LDAP binds as PostgreSQL makes them. */
class IamTokenLdapServerTest {

    private static final String REGION = "us-east-2";
    private static final AwsTestCredentials CREDENTIALS = AwsTestCredentials.of("AKIDIAMTEST00001", "iam-test-secret-key");
    private static final String HOST = "node1.cluster-xyz.us-east-2.rds.amazonaws.com";
    private static final int PORT = 5432;
    private static final String USER = "iam_app";

    private IamTokenLdapServer ldap;

    @BeforeEach
    void start() {
        ldap = IamTokenLdapServer.builder().region(REGION).credentials(CREDENTIALS)
                .acceptEndpoints(RdsEndpoint.of(HOST, PORT)).start();
    }

    @AfterEach
    void stop() {
        ldap.close();
    }

    private ResultCode bind(String dbUser, String realm, String password) {
        try (LDAPConnection connection = new LDAPConnection("127.0.0.1", ldap.port())) {
            return connection.bind(ldap.bindDn(dbUser, realm), password).getResultCode();
        } catch (LDAPException e) {
            return e.getResultCode();
        }
    }

    private ResultCode bind(String dbUser, String password) {
        return bind(dbUser, "", password);
    }

    private String sdkToken() {
        return SdkRdsTokens.token(CREDENTIALS, REGION, HOST, PORT, USER);
    }

    @Test
    void acceptsTheSdksToken() {
        assertEquals(ResultCode.SUCCESS, bind(USER, sdkToken()));
        BindAttempt attempt = ldap.binds().last();
        assertEquals(TokenCheck.ACCEPTED, attempt.check());
        assertEquals(USER, attempt.dbUser());
        assertEquals(RdsEndpoint.of(HOST, PORT), attempt.signedFor());
        assertEquals(1, ldap.binds().accepted(USER));
    }

    @Test
    void acceptsATokenSignedByTheSdkSignerAtAGivenTime() {
        // the helper that makes expired tokens must itself make valid ones when the time is right
        String token = SdkRdsTokens.tokenSignedAt(Instant.now().minusSeconds(600), CREDENTIALS, REGION, HOST, PORT, USER);
        assertEquals(ResultCode.SUCCESS, bind(USER, token));
    }

    @Test
    void refusesAForgedToken() {
        AwsTestCredentials forger = AwsTestCredentials.of(CREDENTIALS.accessKeyId(), "guessed-secret-key");
        assertEquals(ResultCode.INVALID_CREDENTIALS, bind(USER, SdkRdsTokens.token(forger, REGION, HOST, PORT, USER)));
        assertEquals(TokenCheck.BAD_SIGNATURE, ldap.binds().last().check());
    }

    @Test
    void refusesAnAlteredToken() {
        // a valid token for another user, edited to name this one: the signature no longer matches
        String other = SdkRdsTokens.token(CREDENTIALS, REGION, HOST, PORT, "other");
        assertEquals(ResultCode.INVALID_CREDENTIALS, bind(USER, other.replace("DBUser=other", "DBUser=" + USER)));
        assertEquals(TokenCheck.BAD_SIGNATURE, ldap.binds().last().check());
    }

    @Test
    void refusesAnExpiredToken() {
        String token = SdkRdsTokens.tokenSignedAt(Instant.now().minus(Duration.ofMinutes(17)), CREDENTIALS, REGION, HOST,
                PORT, USER);
        assertEquals(ResultCode.INVALID_CREDENTIALS, bind(USER, token));
        assertEquals(TokenCheck.EXPIRED, ldap.binds().last().check());
    }

    @Test
    void refusesATokenSignedInTheFuture() {
        String token = SdkRdsTokens.tokenSignedAt(Instant.now().plus(Duration.ofMinutes(10)), CREDENTIALS, REGION, HOST,
                PORT, USER);
        assertEquals(ResultCode.INVALID_CREDENTIALS, bind(USER, token));
        assertEquals(TokenCheck.NOT_YET_VALID, ldap.binds().last().check());
    }

    @Test
    void refusesAnotherUsersToken() {
        String token = SdkRdsTokens.token(CREDENTIALS, REGION, HOST, PORT, "someone_else");
        assertEquals(ResultCode.INVALID_CREDENTIALS, bind(USER, token));
        assertEquals(TokenCheck.WRONG_USER, ldap.binds().last().check());
    }

    @Test
    void refusesATokenForAnotherHostOrPort() {
        assertEquals(ResultCode.INVALID_CREDENTIALS, bind(USER, SdkRdsTokens.token(CREDENTIALS, REGION,
                "node2.cluster-xyz.us-east-2.rds.amazonaws.com", PORT, USER)));
        assertEquals(TokenCheck.WRONG_ENDPOINT, ldap.binds().last().check());
        assertEquals(ResultCode.INVALID_CREDENTIALS, bind(USER, SdkRdsTokens.token(CREDENTIALS, REGION, HOST, 5433, USER)));
        assertEquals(TokenCheck.WRONG_ENDPOINT, ldap.binds().last().check());
    }

    @Test
    void refusesATokenForAnotherRegion() {
        assertEquals(ResultCode.INVALID_CREDENTIALS, bind(USER, SdkRdsTokens.token(CREDENTIALS, "eu-central-1", HOST, PORT,
                USER)));
        assertEquals(TokenCheck.WRONG_REGION, ldap.binds().last().check());
    }

    @Test
    void refusesAnUnknownAccessKey() {
        AwsTestCredentials stranger = AwsTestCredentials.of("AKIDSTRANGER0001", CREDENTIALS.secretAccessKey());
        assertEquals(ResultCode.INVALID_CREDENTIALS, bind(USER, SdkRdsTokens.token(stranger, REGION, HOST, PORT, USER)));
        assertEquals(TokenCheck.UNKNOWN_ACCESS_KEY, ldap.binds().last().check());
    }

    @Test
    void refusesAPlainPassword() {
        assertEquals(ResultCode.INVALID_CREDENTIALS, bind(USER, "secret123"));
        assertEquals(TokenCheck.MALFORMED_TOKEN, ldap.binds().last().check());
        assertEquals(ResultCode.INVALID_CREDENTIALS, bind(USER, HOST + ":" + PORT + "/?Action=connect&DBUser=" + USER));
        assertEquals(TokenCheck.MALFORMED_TOKEN, ldap.binds().last().check());
    }

    @Test
    void refusesABindDnOutsideTheScheme() throws Exception {
        try (LDAPConnection connection = new LDAPConnection("127.0.0.1", ldap.port())) {
            LDAPException e = assertThrows(LDAPException.class,
                    () -> connection.bind("uid=" + USER + ",dc=example,dc=com", sdkToken()));
            assertEquals(ResultCode.INVALID_CREDENTIALS, e.getResultCode());
        }
        assertEquals(TokenCheck.BAD_BIND_DN, ldap.binds().last().check());
    }

    @Test
    void realmsHaveTheirOwnEndpoints() {
        RdsEndpoint node2 = RdsEndpoint.of("127.0.0.12", 6432);
        RdsEndpoint clusterEndpoint = RdsEndpoint.of("cluster.local", 7432);
        ldap.acceptEndpoints("node2", List.of(node2, clusterEndpoint));

        assertEquals(ResultCode.SUCCESS, bind(USER, "node2", SdkRdsTokens.token(CREDENTIALS, REGION, "127.0.0.12", 6432, USER)));
        assertEquals("node2", ldap.binds().last().realm());
        assertEquals(ResultCode.SUCCESS, bind(USER, "node2", SdkRdsTokens.token(CREDENTIALS, REGION, "cluster.local", 7432, USER)));
        assertEquals(ResultCode.INVALID_CREDENTIALS, bind(USER, "node2", sdkToken()));
        assertEquals(TokenCheck.WRONG_ENDPOINT, ldap.binds().last().check());
        assertEquals(ResultCode.INVALID_CREDENTIALS, bind(USER, "node3", sdkToken()));
        assertEquals(TokenCheck.UNKNOWN_REALM, ldap.binds().last().check());
    }

    @Test
    void cutOffAgesOutTokensMintedBeforeIt() throws Exception {
        String cached = SdkRdsTokens.tokenSignedAt(Instant.now().minusSeconds(5), CREDENTIALS, REGION, HOST, PORT, USER);
        assertEquals(ResultCode.SUCCESS, bind(USER, cached));
        ldap.verifier().expireTokensSignedBefore(Instant.now().minusSeconds(1));
        assertEquals(ResultCode.INVALID_CREDENTIALS, bind(USER, cached));
        assertEquals(TokenCheck.EXPIRED, ldap.binds().last().check());
        Thread.sleep(1000); // X-Amz-Date has one-second resolution
        assertEquals(ResultCode.SUCCESS, bind(USER, sdkToken()));
    }

    @Test
    void sessionCredentialsNeedTheirToken() {
        AwsTestCredentials temporary = AwsTestCredentials.withSessionToken("ASIAIAMTEST0001", "temporary-secret",
                "the-session-token-" + "x".repeat(600));
        try (IamTokenLdapServer sts = IamTokenLdapServer.builder().region(REGION).credentials(temporary)
                .acceptEndpoints(RdsEndpoint.of(HOST, PORT)).start();
                LDAPConnection connection = new LDAPConnection("127.0.0.1", sts.port())) {
            String token = SdkRdsTokens.token(temporary, REGION, HOST, PORT, USER);
            assertTrue(token.length() > 600, "a token with a session token is long (PAM would cut it)");
            assertEquals(ResultCode.SUCCESS, connection.bind(sts.bindDn(USER, ""), token).getResultCode());
            String withoutSession = SdkRdsTokens.token(AwsTestCredentials.of("ASIAIAMTEST0001", "temporary-secret"),
                    REGION, HOST, PORT, USER);
            LDAPException e = assertThrows(LDAPException.class, () -> connection.bind(sts.bindDn(USER, ""), withoutSession));
            assertEquals(ResultCode.INVALID_CREDENTIALS, e.getResultCode());
            assertEquals(TokenCheck.WRONG_SESSION_TOKEN, sts.binds().last().check());
        } catch (LDAPException e) {
            throw new AssertionError(e);
        }
    }

    @Test
    void oneTokenReusedByManyLoginsCountsOnce() throws Exception {
        String token = sdkToken();
        ExecutorService pool = Executors.newFixedThreadPool(8);
        try {
            List<Future<ResultCode>> results = new ArrayList<>();
            for (int i = 0; i < 40; i++) {
                results.add(pool.submit(() -> bind(USER, token)));
            }
            for (Future<ResultCode> result : results) {
                assertEquals(ResultCode.SUCCESS, result.get());
            }
        } finally {
            pool.shutdownNow();
        }
        assertEquals(40, ldap.binds().accepted());
        assertEquals(1, ldap.binds().distinctTokensAccepted());

        // a token signed a second later is a different token
        String later = SdkRdsTokens.tokenSignedAt(Instant.now().plusSeconds(2), CREDENTIALS, REGION, HOST, PORT, USER);
        assertEquals(ResultCode.SUCCESS, bind(USER, later));
        assertEquals(2, ldap.binds().distinctTokensAccepted());
    }

    @Test
    void refuseNextBindsRefusesValidTokensThenRecovers() {
        ldap.refuseNextBinds(2);
        String token = sdkToken();
        assertEquals(ResultCode.INVALID_CREDENTIALS, bind(USER, token));
        assertEquals(ResultCode.INVALID_CREDENTIALS, bind(USER, token));
        assertEquals(2, ldap.binds().refused(TokenCheck.REFUSED_BY_TEST));
        assertEquals(ResultCode.SUCCESS, bind(USER, token));
    }

    @Test
    void credentialsInstalledAsSystemPropertiesSignAcceptedTokens() {
        String before = System.getProperty("aws.accessKeyId");
        String secretBefore = System.getProperty("aws.secretAccessKey");
        try (var installed = CREDENTIALS.installAsSystemProperties()) {
            var fromChain = SystemPropertyCredentialsProvider.create().resolveCredentials();
            assertEquals(CREDENTIALS.accessKeyId(), fromChain.accessKeyId());
            String token = RdsUtilities.builder().region(Region.of(REGION))
                    .credentialsProvider(SystemPropertyCredentialsProvider.create()).build()
                    .generateAuthenticationToken(r -> r.hostname(HOST).port(PORT).username(USER));
            assertEquals(ResultCode.SUCCESS, bind(USER, token));
            assertFalse(installed.toString().contains(CREDENTIALS.secretAccessKey()));
        }
        assertEquals(before, System.getProperty("aws.accessKeyId"));
        assertEquals(secretBefore, System.getProperty("aws.secretAccessKey"));
    }

    @Test
    void noTokenMaterialInRecordsOrMessages() {
        String token = sdkToken();
        String signature = token.substring(token.indexOf("X-Amz-Signature=") + "X-Amz-Signature=".length());
        bind("wrong_user", token);
        BindAttempt attempt = ldap.binds().last();
        assertFalse(attempt.toString().contains(signature));
        assertFalse(attempt.detail().contains(signature));
        assertFalse(ldap.verifier().toString().contains(CREDENTIALS.secretAccessKey()));
        assertNull(ldap.binds().all().stream().filter(a -> a.toString().contains(CREDENTIALS.secretAccessKey())).findAny()
                .orElse(null));
    }

    @Test
    void pgHbaLineDelegatesToThisServer() {
        String line = ldap.pgHbaLine("hostssl", "all", USER, "127.0.0.1/32", "node1");
        assertEquals("hostssl all " + USER + " 127.0.0.1/32 ldap ldapserver=127.0.0.1 ldapport=" + ldap.port()
                + " ldapprefix=\"cn=\" ldapsuffix=\",ou=node1,ou=rds-iam,dc=awsjca,dc=test\"", line);
        assertEquals("host all " + USER + " 127.0.0.0/8 ldap ldapserver=127.0.0.1 ldapport=" + ldap.port()
                + " ldapprefix=\"cn=\" ldapsuffix=\",ou=rds-iam,dc=awsjca,dc=test\"", ldap.pgHbaLine(USER, "127.0.0.0/8"));
        assertThrows(IllegalArgumentException.class, () -> ldap.pgHbaLine("local", "all", USER, "", ""));
        assertThrows(IllegalArgumentException.class, () -> ldap.pgHbaLine("host", "all", USER, "127.0.0.1/32", "a,b"));
        assertThrows(IllegalArgumentException.class, () -> ldap.pgHbaLine("host", "all", "two words", "127.0.0.1/32", ""));
        assertThrows(IllegalArgumentException.class, () -> ldap.pgHbaLine("host", "all", "a\"b", "127.0.0.1/32", ""));
    }
}
