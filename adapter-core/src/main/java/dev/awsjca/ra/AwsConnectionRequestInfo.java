package dev.awsjca.ra;

import jakarta.resource.spi.ConnectionRequestInfo;

import java.util.Objects;

/**
 * What the application asked for: a login of its own ({@code getConnection(user, password)}) or the
 * configured one. The connection factory always passes one, so that a managed connection made without
 * any (by the container's recovery) can be told apart.
 */
final class AwsConnectionRequestInfo implements ConnectionRequestInfo {

    static final AwsConnectionRequestInfo CONFIGURED_LOGIN = new AwsConnectionRequestInfo(Credentials.CONFIGURED);

    private final Credentials credentials;

    AwsConnectionRequestInfo(Credentials credentials) {
        this.credentials = credentials;
    }

    Credentials credentials() {
        return credentials;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof AwsConnectionRequestInfo other && credentials.equals(other.credentials);
    }

    @Override
    public int hashCode() {
        return Objects.hash(credentials);
    }

    @Override
    public String toString() {
        return "AwsConnectionRequestInfo[" + credentials + "]";
    }
}
