package dev.awsjca.testkit.aws.sigv4;

import java.util.Objects;

/**
 * The credential part of a SigV4 signature: {@code AKID/yyyyMMdd/region/service/aws4_request}.
 * The access key id is public information; no secret lives here.
 */
public record CredentialScope(String accessKeyId, String date, String region, String service) {

    static final String TERMINATOR = "aws4_request";

    public CredentialScope {
        Objects.requireNonNull(accessKeyId, "accessKeyId");
        Objects.requireNonNull(date, "date");
        Objects.requireNonNull(region, "region");
        Objects.requireNonNull(service, "service");
    }

    /**
     * Parses the value of a {@code Credential=} field or an {@code X-Amz-Credential} parameter (already
     * percent-decoded).
     *
     * @throws SignatureFormatException when it does not have the five parts ending in aws4_request
     */
    public static CredentialScope parse(String credential) throws SignatureFormatException {
        if (credential == null || credential.isEmpty()) {
            throw new SignatureFormatException("the credential is missing");
        }
        // the access key id never contains '/', so the last four slashes delimit the scope
        String[] parts = credential.split("/", -1);
        if (parts.length != 5 || !TERMINATOR.equals(parts[4])) {
            throw new SignatureFormatException(
                    "the credential must be <access key>/<yyyyMMdd>/<region>/<service>/aws4_request");
        }
        for (String part : parts) {
            if (part.isEmpty()) {
                throw new SignatureFormatException("the credential has an empty part");
            }
        }
        if (!parts[1].matches("\\d{8}")) {
            throw new SignatureFormatException("the credential's date must be yyyyMMdd");
        }
        return new CredentialScope(parts[0], parts[1], parts[2], parts[3]);
    }

    /** The scope as it appears in the string to sign (without the access key id). */
    public String scopeString() {
        return date + "/" + region + "/" + service + "/" + TERMINATOR;
    }
}
