package dev.awsjca.testkit.aws.iam;

import dev.awsjca.testkit.aws.sigv4.AwsUriEncoding;
import dev.awsjca.testkit.aws.sigv4.SignatureFormatException;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * An RDS IAM auth token taken apart: {@code host:port/?Action=connect&DBUser=...&X-Amz-...}, the
 * presigned URL without its scheme. Only parsing happens here; {@link IamTokenVerifier} judges it.
 * toString shows neither the signature nor the session token.
 */
final class RdsAuthToken {

    static final String SIGNATURE = "X-Amz-Signature";

    private final String authority;
    private final RdsEndpoint endpoint;
    private final Map<String, String> parameters;

    private RdsAuthToken(String authority, RdsEndpoint endpoint, Map<String, String> parameters) {
        this.authority = authority;
        this.endpoint = endpoint;
        this.parameters = parameters;
    }

    static RdsAuthToken parse(String token) throws SignatureFormatException {
        if (token == null || token.isEmpty()) {
            throw new SignatureFormatException("the password is empty");
        }
        int pathStart = token.indexOf("/?");
        if (pathStart <= 0 || token.contains("://")) {
            throw new SignatureFormatException("the password is not an RDS auth token (host:port/?Action=connect&...)");
        }
        String authority = token.substring(0, pathStart);
        RdsEndpoint endpoint;
        try {
            endpoint = RdsEndpoint.parse(authority);
        } catch (IllegalArgumentException e) {
            throw new SignatureFormatException("the token's authority is not host:port");
        }
        Map<String, String> parameters = new LinkedHashMap<>();
        for (String pair : token.substring(pathStart + 2).split("&", -1)) {
            int eq = pair.indexOf('=');
            if (eq <= 0) {
                throw new SignatureFormatException("the token's query string has a parameter without a name or value");
            }
            String name = AwsUriEncoding.decode(pair.substring(0, eq));
            if (parameters.put(name, AwsUriEncoding.decode(pair.substring(eq + 1))) != null) {
                throw new SignatureFormatException("the token repeats the parameter " + name);
            }
        }
        return new RdsAuthToken(authority, endpoint, Collections.unmodifiableMap(parameters));
    }

    /** The authority exactly as written in the token: the value of the signed host header. */
    String authority() {
        return authority;
    }

    RdsEndpoint endpoint() {
        return endpoint;
    }

    /** A parameter's decoded value, or null. */
    String parameter(String name) {
        return parameters.get(name);
    }

    String required(String name) throws SignatureFormatException {
        String value = parameters.get(name);
        if (value == null || value.isEmpty()) {
            throw new SignatureFormatException("the token lacks " + name);
        }
        return value;
    }

    /** Every decoded parameter, the signature included (the canonical query leaves it out). */
    Map<String, String> parameters() {
        return parameters;
    }

    @Override
    public String toString() {
        return "RdsAuthToken[" + endpoint + ", DBUser=" + parameters.get("DBUser") + "]";
    }
}
