package dev.awsjca.testkit;

/** A server could not bind its port: another process took it after we found it free. Retried with new ports. */
final class PortTakenException extends TestkitException {
    private static final long serialVersionUID = 1L;

    PortTakenException(String message) {
        super(message);
    }
}
