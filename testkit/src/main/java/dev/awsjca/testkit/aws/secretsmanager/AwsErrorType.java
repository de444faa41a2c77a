package dev.awsjca.testkit.aws.secretsmanager;

/**
 * The errors the local Secrets Manager answers with, as AWS's awsJson1.1 services do: an HTTP status and
 * a body {@code {"__type": name, "Message"|"message": text}}. Secrets Manager's own modeled exceptions use
 * "Message"; the request-authentication layer in front of every JSON service uses "message". The SDK
 * reads either; keeping both shapes makes the endpoint as strict a counterpart as AWS is.
 */
public enum AwsErrorType {
    RESOURCE_NOT_FOUND("ResourceNotFoundException", 400, true),
    ACCESS_DENIED("AccessDeniedException", 400, false),
    THROTTLING("ThrottlingException", 400, false),
    INVALID_REQUEST("InvalidRequestException", 400, true),
    INVALID_PARAMETER("InvalidParameterException", 400, true),
    RESOURCE_EXISTS("ResourceExistsException", 400, true),
    INTERNAL_SERVICE_ERROR("InternalServiceError", 500, true),
    INVALID_SIGNATURE("InvalidSignatureException", 400, false),
    INCOMPLETE_SIGNATURE("IncompleteSignatureException", 400, false),
    MISSING_AUTHENTICATION_TOKEN("MissingAuthenticationTokenException", 400, false),
    UNRECOGNIZED_CLIENT("UnrecognizedClientException", 400, false),
    UNKNOWN_OPERATION("UnknownOperationException", 400, false),
    SERIALIZATION("SerializationException", 400, false);

    private final String typeName;
    private final int httpStatus;
    private final boolean modeled;

    AwsErrorType(String typeName, int httpStatus, boolean modeled) {
        this.typeName = typeName;
        this.httpStatus = httpStatus;
        this.modeled = modeled;
    }

    /** The {@code __type} value, which the SDK maps to its exception class. */
    public String typeName() {
        return typeName;
    }

    public int httpStatus() {
        return httpStatus;
    }

    /** The body field that carries the message for this error. */
    String messageField() {
        return modeled ? "Message" : "message";
    }
}
