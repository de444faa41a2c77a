package dev.awsjca.testkit;

/** A cluster operation failed; the message says which and why (never with a password in it). */
public class TestkitException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public TestkitException(String message) {
        super(message);
    }

    public TestkitException(String message, Throwable cause) {
        super(message, cause);
    }
}
