package dev.awsjca.payara;

import java.io.IOException;
import java.net.URI;
import java.net.URL;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

/** GET requests to the deployed application; a non-200 answer fails with the server's stack trace. */
final class Http {

    // HTTP/1.1: Payara accepts the client's h2c upgrade, then closed a long request's HTTP/2 connection (EOF)
    private static final HttpClient CLIENT = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(10)).build();

    private Http() {
    }

    static String get(URL base, String pathAndQuery) {
        try {
            URI uri = URI.create(base.toExternalForm().replaceAll("/$", "") + "/" + pathAndQuery);
            HttpResponse<String> r = CLIENT.send(HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(90)).GET().build(),
                    HttpResponse.BodyHandlers.ofString());
            if (r.statusCode() != 200) {
                throw new AssertionError("HTTP " + r.statusCode() + " from " + pathAndQuery + ":\n" + r.body());
            }
            return r.body();
        } catch (IOException e) {
            throw new AssertionError(pathAndQuery + ": " + e, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }
}
