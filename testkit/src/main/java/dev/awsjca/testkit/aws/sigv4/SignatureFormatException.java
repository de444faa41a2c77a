package dev.awsjca.testkit.aws.sigv4;

/** A SigV4 signature or presigned URL whose structure is wrong (a field missing or malformed). */
public final class SignatureFormatException extends Exception {

    private static final long serialVersionUID = 1L;

    public SignatureFormatException(String message) {
        super(message);
    }
}
