package dev.awsjca.testkit.aws.secretsmanager;

import com.fasterxml.jackson.databind.JsonNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpHandler;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.lang.System.Logger.Level;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.UUID;

/**
 * One HTTP exchange of the local Secrets Manager, in AWS's order: delay fault, signature check, operation
 * and body, injected faults, the operation itself; every request recorded with its outcome.
 */
final class SecretsManagerHttpHandler implements HttpHandler {

    private static final System.Logger LOG = System.getLogger(LocalSecretsManager.class.getName());
    private static final String CONTENT_TYPE = "application/x-amz-json-1.1";

    private final SigV4HeaderVerifier verifier;
    private final SecretsManagerOperations operations;
    private final SecretStore store;
    private final SecretsManagerFaults faults;
    private final SecretsManagerCalls calls;
    private final Clock clock;

    SecretsManagerHttpHandler(SigV4HeaderVerifier verifier, SecretsManagerOperations operations, SecretStore store,
            SecretsManagerFaults faults, SecretsManagerCalls calls, Clock clock) {
        this.verifier = verifier;
        this.operations = operations;
        this.store = store;
        this.faults = faults;
        this.calls = calls;
        this.clock = clock;
    }

    @Override
    public void handle(HttpExchange exchange) throws IOException {
        try (exchange) {
            byte[] body;
            try (InputStream in = exchange.getRequestBody()) {
                body = in.readAllBytes();
            }
            ReceivedRequest request = new ReceivedRequest(exchange.getRequestMethod(), exchange.getRequestURI().getRawPath(),
                    exchange.getRequestURI().getRawQuery(), exchange.getRequestHeaders(), body);
            String target = request.header("x-amz-target");
            String operationName = target == null ? "(no X-Amz-Target)"
                    : target.startsWith(SecretsManagerOperations.TARGET_PREFIX)
                            ? target.substring(SecretsManagerOperations.TARGET_PREFIX.length()) : target;
            String sentId = operations.secretIdOrNull(body);
            String secret = sentId == null ? null : store.resolveName(sentId).orElse(sentId);
            Instant arrived = clock.instant();
            pause(faults.delay());
            try {
                byte[] answer = answer(request, secret, body);
                calls.record(new RecordedCall(arrived, operationName, secret, RecordedCall.OK));
                send(exchange, 200, answer);
            } catch (AwsServiceError error) {
                calls.record(new RecordedCall(arrived, operationName, secret, error.type().typeName()));
                LOG.log(Level.DEBUG, () -> operationName + " for " + secret + " refused: " + error.type().typeName() + ": "
                        + error.getMessage());
                sendError(exchange, error);
            } catch (RuntimeException bug) {
                // a defect of this endpoint, not of the client: answer as AWS does for its own failures
                calls.record(new RecordedCall(arrived, operationName, secret, AwsErrorType.INTERNAL_SERVICE_ERROR.typeName()));
                LOG.log(Level.WARNING, "local Secrets Manager failed on " + operationName + ": " + bug.getClass().getName());
                sendError(exchange, new AwsServiceError(AwsErrorType.INTERNAL_SERVICE_ERROR,
                        "The local Secrets Manager failed: " + bug.getClass().getSimpleName()));
            }
        }
    }

    private byte[] answer(ReceivedRequest request, String secret, byte[] body) throws AwsServiceError {
        if (!"POST".equals(request.method())) {
            throw new AwsServiceError(AwsErrorType.UNKNOWN_OPERATION, "awsJson1.1 requests are POSTs to /.");
        }
        verifier.verify(request);
        String operation = SecretsManagerOperations.operationOf(request.header("x-amz-target"));
        JsonNode input = operations.parse(body);
        var fault = faults.faultFor(operation, secret);
        if (fault.isPresent()) {
            throw fault.get();
        }
        return operations.invoke(operation, input);
    }

    private void sendError(HttpExchange exchange, AwsServiceError error) throws IOException {
        exchange.getResponseHeaders().add("x-amzn-ErrorType", error.type().typeName());
        send(exchange, error.type().httpStatus(), operations.errorBody(error));
    }

    private static void send(HttpExchange exchange, int status, byte[] body) throws IOException {
        exchange.getResponseHeaders().set("Content-Type", CONTENT_TYPE);
        exchange.getResponseHeaders().set("x-amzn-RequestId", UUID.randomUUID().toString());
        exchange.sendResponseHeaders(status, body.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(body);
        }
    }

    private static void pause(Duration delay) {
        if (delay.isZero()) {
            return;
        }
        try {
            Thread.sleep(delay.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
