package dev.awsjca.testkit.aws.iam;

import java.time.Instant;

/**
 * One LDAP bind the verifier answered: who tried (DB user and realm from the bind DN), what the token
 * claimed, the verdict and its reason. {@code tokenFingerprint} is the first 16 hex digits of the
 * token's SHA-256: it tells tokens apart (how many did a client mint?) without being usable as one.
 * No token, signature or password is kept.
 */
public record BindAttempt(Instant at, String bindDn, String dbUser, String realm, TokenCheck check, String detail,
        RdsEndpoint signedFor, Instant signedAt, String tokenFingerprint) {

    public boolean accepted() {
        return check == TokenCheck.ACCEPTED;
    }
}
