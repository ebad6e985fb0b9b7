package io.mirrorswitch.proxy;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import com.github.tomakehurst.wiremock.junit5.WireMockExtension;
import io.mirrorswitch.config.ConfigLoader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Arrays;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** SIGTERM drains: a blob in flight finishes whole while the sidecar shuts down; new requests are turned away. */
class GracefulShutdownTest {
    private static final byte[] BLOB = new byte[200_000];

    static {
        Arrays.fill(BLOB, (byte) 7);
    }

    @RegisterExtension
    static WireMockExtension upstream = WireMocks.upstream();

    @Test
    void aPullInFlightFinishesWhileShuttingDown() throws Exception {
        String path = WireMocks.blobPath("library/alpine", BLOB);
        // The body takes about a second to arrive, so the shutdown below starts while it streams.
        upstream.stubFor(get(path).willReturn(aResponse().withStatus(200).withBody(BLOB).withChunkedDribbleDelay(20, 1000)));
        Mirrorswitch mirrorswitch = Mirrorswitch.start(new ConfigLoader(Map.of()).parse(
                "listen: 127.0.0.1:0\nadmin: 127.0.0.1:0\nupstreams:\n  - " + WireMocks.upstream("up", upstream) + "\n"), false);
        HttpClient http = HttpClient.newHttpClient();
        String base = "http://127.0.0.1:" + mirrorswitch.port();
        String token = Sidecar.JSON.readTree(http.send(HttpRequest.newBuilder(URI.create(
                base + "/token?scope=repository:library/alpine:pull")).build(), HttpResponse.BodyHandlers.ofString()).body())
                .path("token").asText();
        HttpRequest pull = HttpRequest.newBuilder(URI.create(base + path)).header("Authorization", "Bearer " + token).build();
        CompletableFuture<HttpResponse<byte[]>> inFlight = http.sendAsync(pull, HttpResponse.BodyHandlers.ofByteArray());
        while (upstream.getAllServeEvents().isEmpty()) { // until the request reached the upstream
            Thread.onSpinWait();
        }

        CompletableFuture<Void> closing = CompletableFuture.runAsync(() -> mirrorswitch.drainAndClose(Duration.ofSeconds(20)));
        HttpResponse<byte[]> finished = inFlight.get();
        closing.get();

        assertEquals(200, finished.statusCode());
        assertArrayEquals(BLOB, finished.body());
    }
}
