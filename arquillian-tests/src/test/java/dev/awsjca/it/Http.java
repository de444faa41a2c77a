package dev.awsjca.it;

import java.io.IOException;
import java.net.URI;
import java.net.URL;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

/** GET requests to the deployed application; a non-200 answer fails with the server's stack trace. */
final class Http {

    private static final HttpClient CLIENT = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();

    private Http() {
    }

    static String get(URL base, String pathAndQuery) throws IOException, InterruptedException {
        HttpResponse<String> r = send(base, pathAndQuery);
        if (r.statusCode() != 200) {
            throw new AssertionError("HTTP " + r.statusCode() + " from " + pathAndQuery + ":\n" + r.body());
        }
        return r.body();
    }

    static HttpResponse<String> send(URL base, String pathAndQuery) throws IOException, InterruptedException {
        URI uri = URI.create(base.toExternalForm().replaceAll("/$", "") + "/" + pathAndQuery);
        return CLIENT.send(HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(60)).GET().build(),
                HttpResponse.BodyHandlers.ofString());
    }
}
