package io.mirrorswitch.proxy;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;

/** Pulls through a running mirrorswitch's registry port as registry:2 does: our token first, then the request. */
public final class PullClient {
    private static final ObjectMapper JSON = new ObjectMapper();
    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5)).build();
    private final int port;

    public PullClient(int port) {
        this.port = port;
    }

    /** GET of a manifest or blob path, e.g. {@code /v2/library/alpine/manifests/3.19}. */
    public HttpResponse<String> get(String path) {
        return send(request(path));
    }

    public CompletableFuture<HttpResponse<String>> getAsync(String path) {
        return http.sendAsync(request(path), HttpResponse.BodyHandlers.ofString());
    }

    private HttpRequest request(String path) {
        String repository = path.replaceFirst("^/v2/", "").replaceFirst("/(manifests|blobs)/.*$", "");
        HttpResponse<String> token = send(HttpRequest.newBuilder(
                URI.create("http://127.0.0.1:" + port + "/token?service=mirrorswitch&scope=repository:" + repository + ":pull")).build());
        String bearer;
        try {
            bearer = JSON.readTree(token.body()).path("token").asText();
        } catch (IOException e) {
            throw new AssertionError("token endpoint answered " + token.statusCode() + ": " + token.body(), e);
        }
        return HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path)).timeout(Duration.ofSeconds(30))
                .header("Authorization", "Bearer " + bearer).GET().build();
    }

    private HttpResponse<String> send(HttpRequest request) {
        try {
            return http.send(request, HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
