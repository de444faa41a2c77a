/**
 * Local AWS endpoints for tests: the real AWS SDK (and the adapter's plugins) talk to them, and they check
 * what they receive independently of the SDK's signing code (SigV4 recomputed with javax.crypto in
 * {@link dev.awsjca.testkit.aws.sigv4}).
 *
 * <h2>Secrets Manager</h2>
 * {@link dev.awsjca.testkit.aws.secretsmanager.LocalSecretsManager}: awsJson1.1 {@code GetSecretValue} and
 * {@code PutSecretValue} on a free loopback port; point the SDK's {@code endpointOverride} (the adapter's
 * {@code secretsManagerEndpoint}) at {@code endpoint()} and give the client the same region and static
 * credentials. Test side: {@code putSecret}/{@code putSecretJson} (a new AWSCURRENT, the old one becomes
 * AWSPREVIOUS), {@code putPendingSecret} + {@code finishRotation} (a staged rotation), {@code markForDeletion},
 * {@code deleteSecret}; {@code faults()} throttles, fails, denies or delays; {@code calls()} counts requests per
 * secret with their outcome. Remember the SDK retries throttling and 500s by itself.
 *
 * <h2>IAM auth tokens</h2>
 * {@link dev.awsjca.testkit.aws.iam.IamTokenLdapServer}: an LDAP server on 127.0.0.1 whose simple bind
 * succeeds only for a valid RDS IAM token for the bind DN's user. Start it first, put its
 * {@code pgHbaLine(...)} into the cluster's pg_hba rules ({@code PgCluster.builder().hbaRules(..)}), then
 * {@code acceptEndpointsOf(cluster)}; PostgreSQL then refuses forged, expired, wrong-user, wrong-host and
 * wrong-region tokens itself. {@code binds()} records every bind with its {@link dev.awsjca.testkit.aws.iam.TokenCheck}
 * reason, the endpoint the token was signed for, and a fingerprint to count distinct tokens;
 * {@code verifier().expireTokensSignedBefore(t)} ages out cached tokens.
 *
 * <p>Nothing here logs, keeps or prints a secret value, a token, a signature or a secret key; logging is at
 * DEBUG level only.
 */
package dev.awsjca.testkit.aws;
