package io.mirrorswitch.proxy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Predicate;

/** Talks to a running mirrorswitch's admin port; waits for a condition by polling with a deadline, never by sleeping a guess. */
public final class AdminClient {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Duration POLL = Duration.ofMillis(50);
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private final int port;

    public AdminClient(int port) {
        this.port = port;
    }

    public String base() {
        return "http://127.0.0.1:" + port;
    }

    public HttpResponse<String> get(String path) {
        return send(HttpRequest.newBuilder(URI.create(base() + path)).GET());
    }

    public HttpResponse<String> post(String path) {
        return send(HttpRequest.newBuilder(URI.create(base() + path)).POST(HttpRequest.BodyPublishers.noBody()));
    }

    public JsonNode status() {
        return json(get("/status"));
    }

    public static JsonNode json(HttpResponse<String> response) {
        try {
            return JSON.readTree(response.body());
        } catch (IOException e) {
            throw new AssertionError("not JSON (" + response.statusCode() + "): " + response.body(), e);
        }
    }

    /** The first /status satisfying {@code condition}; fails with the last one seen after {@code within}. */
    public JsonNode awaitStatus(Predicate<JsonNode> condition, Duration within, String what) {
        return await(this::status, condition, within, what);
    }

    /** The first answer to {@code GET path} satisfying {@code condition}. */
    public HttpResponse<String> awaitGet(String path, Predicate<HttpResponse<String>> condition, Duration within, String what) {
        return await(() -> get(path), condition, within, what);
    }

    /** The first /metrics text satisfying {@code condition}. */
    public String awaitMetrics(Predicate<String> condition, Duration within, String what) {
        return await(() -> get("/metrics").body(), condition, within, what);
    }

    private static <T> T await(java.util.function.Supplier<T> read, Predicate<T> condition, Duration within, String what) {
        Instant deadline = Instant.now().plus(within);
        T last = read.get();
        while (!condition.test(last)) {
            if (Instant.now().isAfter(deadline)) {
                throw new AssertionError("within " + within.toMillis() + " ms: " + what + "; last seen:\n" + last);
            }
            LockSupport.parkNanos(POLL.toNanos());
            last = read.get();
        }
        return last;
    }

    private HttpResponse<String> send(HttpRequest.Builder request) {
        try {
            return http.send(request.timeout(Duration.ofSeconds(20)).build(), HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
