package dev.awsjca.testkit.aws.sigv4;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HexFormat;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The hand-written SigV4 steps against the worked example in AWS's SigV4 documentation. */
class SigV4CryptoTest {

    private static final String EXAMPLE_SECRET = "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY";

    @Test
    void signingKeyMatchesTheDocumentedExample() {
        byte[] key = SigV4Crypto.signingKey(EXAMPLE_SECRET, new CredentialScope("AKIDEXAMPLE", "20120215", "us-east-1", "iam"));
        assertEquals("f4780e2d9f65fa895f9c67b32ce1baf0b0d8a43505a000a1a9e090d414db404d", HexFormat.of().formatHex(key));
    }

    @Test
    void signatureOfTheDocumentedListUsersRequest() throws Exception {
        CanonicalRequest canonical = CanonicalRequest.builder()
                .method("GET")
                .path("/")
                .queryParameter("Version", "2010-05-08")
                .queryParameter("Action", "ListUsers")
                .header("Content-Type", "application/x-www-form-urlencoded; charset=utf-8")
                .header("Host", "iam.amazonaws.com")
                .header("X-Amz-Date", "20150830T123600Z")
                .signedHeaders(List.of("content-type", "host", "x-amz-date"))
                .build();
        assertEquals("f536975d06c0309214f805bb90ccff089219ecd68b2577efef23edd43b7e1a59",
                SigV4Crypto.sha256Hex(canonical.text()));
        CredentialScope scope = CredentialScope.parse("AKIDEXAMPLE/20150830/us-east-1/iam/aws4_request");
        assertEquals("5d672d79c15b13162d9279b0855cfba6789a8edb4c82c400e06b5924a6f2b5d7",
                SigV4Crypto.signature(EXAMPLE_SECRET, "20150830T123600Z", scope, canonical.text()));
    }

    @Test
    void signatureOfTheDocumentedPresignedUrl() throws Exception {
        // AWS's S3 query-string authentication example: the same query canonicalisation RDS tokens use
        // (S3 differs only in its UNSIGNED-PAYLOAD hash, given here)
        CanonicalRequest canonical = CanonicalRequest.builder()
                .method("GET")
                .path("/test.txt")
                .queryParameter("X-Amz-Algorithm", "AWS4-HMAC-SHA256")
                .queryParameter("X-Amz-Credential", "AKIAIOSFODNN7EXAMPLE/20130524/us-east-1/s3/aws4_request")
                .queryParameter("X-Amz-Date", "20130524T000000Z")
                .queryParameter("X-Amz-Expires", "86400")
                .queryParameter("X-Amz-SignedHeaders", "host")
                .header("host", "examplebucket.s3.amazonaws.com")
                .signedHeaders(List.of("host"))
                .payloadHash("UNSIGNED-PAYLOAD")
                .build();
        CredentialScope scope = CredentialScope.parse("AKIAIOSFODNN7EXAMPLE/20130524/us-east-1/s3/aws4_request");
        assertEquals("aeeed9bbccd4d02ee5c0109b86d86835f995330da4c265957d157751f604d404",
                SigV4Crypto.signature("wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY", "20130524T000000Z", scope, canonical.text()));
    }

    @Test
    void malformedCredentialScopesAreRefused() {
        assertThrows(SignatureFormatException.class, () -> CredentialScope.parse("AKID/20150830/us-east-1/iam"));
        assertThrows(SignatureFormatException.class, () -> CredentialScope.parse("AKID/2015083/us-east-1/iam/aws4_request"));
        assertThrows(SignatureFormatException.class, () -> CredentialScope.parse("AKID//us-east-1/iam/aws4_request"));
    }

    @Test
    void uriEncodingIsRfc3986WithUpperCaseHex() throws Exception {
        assertEquals("a%20b%2Bc%2Fd~e", AwsUriEncoding.encode("a b+c/d~e", false));
        assertEquals("/a%20b/c", AwsUriEncoding.encode("/a b/c", true));
        assertEquals("a+b c/\u00e9", AwsUriEncoding.decode("a+b%20c%2F%C3%A9"));
        assertThrows(SignatureFormatException.class, () -> AwsUriEncoding.decode("bad%2"));
    }

    @Test
    void signatureComparisonIgnoresHexCase() {
        assertTrue(SigV4Crypto.signaturesMatch("abcdef", "ABCDEF"));
        assertFalse(SigV4Crypto.signaturesMatch("abcdef", "abcdee"));
        assertFalse(SigV4Crypto.signaturesMatch("abcdef", null));
    }
}
