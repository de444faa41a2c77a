package dev.awsjca.testkit.aws.sigv4;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * The hashing and keyed-hashing steps of AWS Signature Version 4, done with the JDK only, so that the
 * local endpoints check signatures independently of the AWS SDK that makes them.
 */
public final class SigV4Crypto {

    public static final String ALGORITHM = "AWS4-HMAC-SHA256";
    /** Hex SHA-256 of zero bytes: the payload hash of a GET and of a presigned RDS token. */
    public static final String EMPTY_PAYLOAD_SHA256 = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";

    private static final HexFormat HEX = HexFormat.of();

    private SigV4Crypto() {
    }

    public static String sha256Hex(byte[] data) {
        try {
            return HEX.formatHex(MessageDigest.getInstance("SHA-256").digest(data));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("the JDK lacks SHA-256", e);
        }
    }

    public static String sha256Hex(String text) {
        return sha256Hex(text.getBytes(StandardCharsets.UTF_8));
    }

    static byte[] hmacSha256(byte[] key, String data) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(key, "HmacSHA256"));
            return mac.doFinal(data.getBytes(StandardCharsets.UTF_8));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("the JDK lacks HmacSHA256", e);
        }
    }

    /** kSigning = HMAC(HMAC(HMAC(HMAC("AWS4" + secret, date), region), service), "aws4_request"). */
    public static byte[] signingKey(String secretAccessKey, CredentialScope scope) {
        byte[] kDate = hmacSha256(("AWS4" + secretAccessKey).getBytes(StandardCharsets.UTF_8), scope.date());
        byte[] kRegion = hmacSha256(kDate, scope.region());
        byte[] kService = hmacSha256(kRegion, scope.service());
        return hmacSha256(kService, CredentialScope.TERMINATOR);
    }

    /** The string to sign: algorithm, request time, scope, and the hash of the canonical request. */
    public static String stringToSign(String amzDate, CredentialScope scope, String canonicalRequest) {
        return ALGORITHM + "\n" + amzDate + "\n" + scope.scopeString() + "\n" + sha256Hex(canonicalRequest);
    }

    /** The hex signature the signer must have produced for this canonical request. */
    public static String signature(String secretAccessKey, String amzDate, CredentialScope scope, String canonicalRequest) {
        byte[] key = signingKey(secretAccessKey, scope);
        return HEX.formatHex(hmacSha256(key, stringToSign(amzDate, scope, canonicalRequest)));
    }

    /** Compares two hex signatures in time independent of where they differ. */
    public static boolean signaturesMatch(String expectedHex, String presentedHex) {
        if (expectedHex == null || presentedHex == null) {
            return false;
        }
        return MessageDigest.isEqual(expectedHex.getBytes(StandardCharsets.US_ASCII),
                presentedHex.toLowerCase(java.util.Locale.ROOT).getBytes(StandardCharsets.US_ASCII));
    }
}
