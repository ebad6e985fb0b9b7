package io.mirrorswitch.proxy.e2e;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.function.Predicate;

/** Reads a running mirrorswitch's /status and waits, polling with a deadline, for a condition on it. */
final class AdminStatus {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient HTTP = HttpClient.newHttpClient();
    private final int adminPort;

    AdminStatus(int adminPort) {
        this.adminPort = adminPort;
    }

    JsonNode get() throws IOException, InterruptedException {
        HttpResponse<String> response = HTTP.send(
                HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + adminPort + "/status")).build(),
                HttpResponse.BodyHandlers.ofString());
        return JSON.readTree(response.body());
    }

    /** The first /status that satisfies {@code condition}; fails with the last one seen after {@code within}. */
    JsonNode await(Predicate<JsonNode> condition, Duration within, String what) throws IOException, InterruptedException {
        Instant deadline = Instant.now().plus(within);
        JsonNode last = get();
        while (!condition.test(last)) {
            if (Instant.now().isAfter(deadline)) {
                throw new AssertionError("within " + within.toMillis() + " ms: " + what + "; last /status: " + last);
            }
            Thread.sleep(100);
            last = get();
        }
        return last;
    }

    static Predicate<JsonNode> active(String name) {
        return status -> name.equals(status.path("active").asText());
    }
}
