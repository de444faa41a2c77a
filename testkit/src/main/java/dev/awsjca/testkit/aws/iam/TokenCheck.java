package dev.awsjca.testkit.aws.iam;

/** The outcome of checking one bind password as an RDS IAM auth token; one value per refusal cause. */
public enum TokenCheck {
    ACCEPTED,
    /** The bind DN is not {@code cn=<user>[,ou=<realm>],ou=rds-iam,...}, or not a simple bind. */
    BAD_BIND_DN,
    /** Not a presigned connect URL: missing or repeated fields, wrong action or algorithm, bad encoding. */
    MALFORMED_TOKEN,
    UNKNOWN_ACCESS_KEY,
    WRONG_SESSION_TOKEN,
    WRONG_REGION,
    WRONG_SERVICE,
    /** The signature does not verify with the expected secret key (forged or altered token). */
    BAD_SIGNATURE,
    /** Signed for a host:port this server (realm) is not reached through. */
    WRONG_ENDPOINT,
    /** The token's DBUser is not the user logging in. */
    WRONG_USER,
    EXPIRED,
    /** X-Amz-Date lies further in the future than the allowed clock skew. */
    NOT_YET_VALID,
    /** Refused because the test asked for it ({@link IamTokenLdapServer#refuseNextBinds(int)}), whatever the token. */
    REFUSED_BY_TEST,
    /** The realm named in the bind DN has no accepted endpoints configured (fails closed). */
    UNKNOWN_REALM
}
