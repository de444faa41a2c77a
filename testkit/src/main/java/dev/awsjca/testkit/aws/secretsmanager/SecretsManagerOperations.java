package dev.awsjca.testkit.aws.secretsmanager;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;

/**
 * The awsJson1.1 operations the local endpoint implements, from request JSON to response JSON:
 * {@code GetSecretValue} and {@code PutSecretValue}. Authentication and faults are handled before
 * these are called.
 */
final class SecretsManagerOperations {

    static final String TARGET_PREFIX = "secretsmanager.";

    private final ObjectMapper json = new ObjectMapper();
    private final SecretStore store;

    SecretsManagerOperations(SecretStore store) {
        this.store = store;
    }

    /** The operation named by an {@code X-Amz-Target} header, or an UnknownOperationException. */
    static String operationOf(String target) throws AwsServiceError {
        if (target == null || !target.startsWith(TARGET_PREFIX)) {
            throw new AwsServiceError(AwsErrorType.UNKNOWN_OPERATION,
                    "The X-Amz-Target header must name a secretsmanager operation.");
        }
        String operation = target.substring(TARGET_PREFIX.length());
        if (!SecretsManagerCalls.GET_SECRET_VALUE.equals(operation) && !SecretsManagerCalls.PUT_SECRET_VALUE.equals(operation)) {
            throw new AwsServiceError(AwsErrorType.UNKNOWN_OPERATION,
                    "Operation " + operation + " is not implemented by the local Secrets Manager.");
        }
        return operation;
    }

    JsonNode parse(byte[] body) throws AwsServiceError {
        try {
            JsonNode node = json.readTree(body.length == 0 ? "{}".getBytes(StandardCharsets.UTF_8) : body);
            if (node == null || !node.isObject()) {
                throw new AwsServiceError(AwsErrorType.SERIALIZATION, "The request body must be a JSON object.");
            }
            return node;
        } catch (IOException e) {
            throw new AwsServiceError(AwsErrorType.SERIALIZATION, "The request body is not valid JSON.");
        }
    }

    /** The SecretId a request names, or null when the body has none or is not JSON (for call records only). */
    String secretIdOrNull(byte[] body) {
        try {
            JsonNode id = json.readTree(body).get("SecretId");
            return id != null && id.isTextual() ? id.asText() : null;
        } catch (IOException | RuntimeException e) {
            return null;
        }
    }

    byte[] invoke(String operation, JsonNode input) throws AwsServiceError {
        ObjectNode output = switch (operation) {
            case SecretsManagerCalls.GET_SECRET_VALUE -> getSecretValue(input);
            case SecretsManagerCalls.PUT_SECRET_VALUE -> putSecretValue(input);
            default -> throw new AwsServiceError(AwsErrorType.UNKNOWN_OPERATION, "Unknown operation " + operation);
        };
        try {
            return json.writeValueAsBytes(output);
        } catch (JsonProcessingException e) {
            throw new AwsServiceError(AwsErrorType.INTERNAL_SERVICE_ERROR, "The response could not be written.");
        }
    }

    private ObjectNode getSecretValue(JsonNode input) throws AwsServiceError {
        SecretVersion version = store.get(requiredText(input, "SecretId"), optionalText(input, "VersionId"),
                optionalText(input, "VersionStage"));
        ObjectNode out = json.createObjectNode();
        out.put("ARN", version.arn());
        out.put("Name", version.name());
        out.put("VersionId", version.versionId());
        if (version.secretBinary() != null) {
            out.put("SecretBinary", version.secretBinary()); // awsJson blobs travel as base64, as Jackson writes byte[]
        } else {
            out.put("SecretString", version.secretString());
        }
        ArrayNode stages = out.putArray("VersionStages");
        version.stages().stream().sorted().forEach(stages::add);
        // awsJson timestamps are epoch seconds; plain decimal notation, as AWS writes them
        out.put("CreatedDate", BigDecimal.valueOf(version.createdDate().toEpochMilli(), 3));
        return out;
    }

    private ObjectNode putSecretValue(JsonNode input) throws AwsServiceError {
        String secretId = requiredText(input, "SecretId");
        if (input.hasNonNull("SecretBinary")) {
            throw new AwsServiceError(AwsErrorType.INVALID_PARAMETER,
                    "The local Secrets Manager stores SecretString values only.");
        }
        String value = requiredText(input, "SecretString");
        String name = store.resolveName(secretId).orElseThrow(() -> new AwsServiceError(AwsErrorType.RESOURCE_NOT_FOUND,
                "Secrets Manager can't find the specified secret."));
        Set<String> stages = new LinkedHashSet<>();
        JsonNode requested = input.get("VersionStages");
        if (requested != null && requested.isArray() && !requested.isEmpty()) {
            requested.forEach(s -> stages.add(s.asText()));
        } else {
            stages.add(SecretStore.CURRENT);
        }
        String versionId = store.put(name, value, stages, optionalText(input, "ClientRequestToken"));
        SecretVersion stored = store.get(name, versionId, null);
        ObjectNode out = json.createObjectNode();
        out.put("ARN", stored.arn());
        out.put("Name", stored.name());
        out.put("VersionId", stored.versionId());
        ArrayNode outStages = out.putArray("VersionStages");
        stored.stages().stream().sorted().forEach(outStages::add);
        return out;
    }

    private static String requiredText(JsonNode input, String field) throws AwsServiceError {
        String value = optionalText(input, field);
        if (value == null || value.isEmpty()) {
            throw new AwsServiceError(AwsErrorType.INVALID_PARAMETER, "You must provide a value for the " + field
                    + " parameter.");
        }
        return value;
    }

    private static String optionalText(JsonNode input, String field) throws AwsServiceError {
        JsonNode node = input.get(field);
        if (node == null || node.isNull()) {
            return null;
        }
        if (!node.isTextual()) {
            throw new AwsServiceError(AwsErrorType.SERIALIZATION, "The field " + field + " must be a string.");
        }
        return node.asText();
    }

    String toJson(Map<String, ?> fields) {
        try {
            return json.writeValueAsString(fields);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("the secret's fields cannot be written as JSON: " + e.getOriginalMessage());
        }
    }

    /** The error body AWS JSON services send: {@code {"__type": ..., "Message"|"message": ...}}. */
    byte[] errorBody(AwsServiceError error) {
        ObjectNode out = json.createObjectNode();
        out.put("__type", error.type().typeName());
        out.put(error.type().messageField(), error.getMessage());
        try {
            return json.writeValueAsBytes(out);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("an error body could not be written", e);
        }
    }
}
