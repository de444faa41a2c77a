package dev.awsjca.ra;

import jakarta.resource.spi.ManagedConnectionFactory;
import jakarta.resource.spi.security.PasswordCredential;

import javax.security.auth.Subject;
import java.util.Objects;

/**
 * The database login a managed connection was opened with. Null fields mean "as configured on the
 * connection factory" (or supplied by the iam / secretsManager plugins).
 */
record Credentials(String user, String password) {

    static final Credentials CONFIGURED = new Credentials(null, null);

    /**
     * The login for a new or matched connection: the container's Subject wins (container-managed
     * sign-on, recovery credentials), then what the application passed to getConnection(user, password).
     */
    static Credentials resolve(ManagedConnectionFactory mcf, Subject subject, AwsConnectionRequestInfo info) {
        if (subject != null) {
            for (PasswordCredential pc : subject.getPrivateCredentials(PasswordCredential.class)) {
                if (pc.getManagedConnectionFactory() == null || pc.getManagedConnectionFactory().equals(mcf)) {
                    return new Credentials(pc.getUserName(), pc.getPassword() == null ? null : new String(pc.getPassword()));
                }
            }
        }
        return info == null ? CONFIGURED : info.credentials();
    }

    /** The user the connection logs in as, for metadata. */
    String userOr(String configured) {
        return user != null ? user : configured;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Credentials c && Objects.equals(user, c.user) && Objects.equals(password, c.password);
    }

    @Override
    public int hashCode() {
        return Objects.hashCode(user);
    }

    /** Never shows the password. */
    @Override
    public String toString() {
        return user == null ? "configured login" : "user " + user;
    }
}
