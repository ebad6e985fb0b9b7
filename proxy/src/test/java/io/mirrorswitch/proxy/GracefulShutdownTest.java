package io.mirrorswitch.proxy;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.github.tomakehurst.wiremock.junit5.WireMockExtension;
import io.mirrorswitch.config.ConfigLoader;
import io.mirrorswitch.harness.Fault;
import io.mirrorswitch.harness.FaultProxy;
import io.mirrorswitch.harness.Match;
import io.mirrorswitch.harness.RegistryProcess;
import io.mirrorswitch.harness.SeedStore;
import io.mirrorswitch.harness.SeededStorage;
import io.mirrorswitch.harness.StorageBlobs;
import io.mirrorswitch.harness.UpstreamRegistry;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * SIGTERM drains: a blob in flight finishes whole while the sidecar shuts down; new requests are turned away with a
 * registry error, /readyz turns 503 at once while /healthz stays 200; what the end of the grace cuts is logged as
 * the server's doing, not the client's.
 */
class GracefulShutdownTest {
    private static final byte[] BLOB = new byte[200_000];
    private static final Duration WAIT = Duration.ofSeconds(30);

    static {
        Arrays.fill(BLOB, (byte) 7);
    }

    @RegisterExtension
    static WireMockExtension upstream = WireMocks.upstream();

    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

    @Test
    void aPullInFlightFinishesWhileShuttingDown() throws Exception {
        String path = WireMocks.blobPath("library/alpine", BLOB);
        // The body takes about a second to arrive, so the shutdown below starts while it streams.
        upstream.stubFor(get(path).willReturn(aResponse().withStatus(200).withBody(BLOB).withChunkedDribbleDelay(20, 1000)));
        Mirrorswitch mirrorswitch = Mirrorswitch.start(new ConfigLoader(Map.of()).parse(
                "listen: 127.0.0.1:0\nadmin: 127.0.0.1:0\nupstreams:\n  - " + WireMocks.upstream("up", upstream) + "\n"), false);
        String base = "http://127.0.0.1:" + mirrorswitch.port();
        HttpRequest pull = HttpRequest.newBuilder(URI.create(base + path))
                .header("Authorization", "Bearer " + token(base, "library/alpine")).build();
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

    @Test
    void duringTheDrainNewRequestsGetARegistryErrorAndReadyzTurns503() throws Exception {
        SeededStorage seed = SeedStore.shared();
        String layer = seed.image(SeedStore.APP).layerDigests().get(0);
        Match heldGets = Match.BLOBS.method("GET").pathContains("team/app");
        try (UpstreamRegistry registry = UpstreamRegistry.anonymous(seed.storageDir());
             FaultProxy front = FaultProxy.inFrontOf(registry);
             CapturedLog log = new CapturedLog()) {
            front.inject(Fault.stallAfterBytes(1000).on(heldGets).once()); // holds one pull in flight until clear()
            Mirrorswitch mirrorswitch = Mirrorswitch.start(new ConfigLoader(Map.of()).parse("""
                    listen: 127.0.0.1:0
                    admin: 127.0.0.1:0
                    upstreams:
                      - {name: up, url: '%s'}
                    timeouts: {idle: 1h}
                    """.formatted(front.url())));
            AdminClient admin = new AdminClient(mirrorswitch.adminPort());
            admin.awaitGet("/readyz", r -> r.statusCode() == 200, WAIT, "up is healthy, so the sidecar is ready");
            String base = "http://127.0.0.1:" + mirrorswitch.port();
            String token = token(base, "team/app");
            CompletableFuture<HttpResponse<byte[]>> held = http.sendAsync(HttpRequest.newBuilder(
                    URI.create(base + "/v2/team/app/blobs/" + layer)).header("Authorization", "Bearer " + token).build(),
                    HttpResponse.BodyHandlers.ofByteArray());
            assertTrue(front.awaitRequests(heldGets, 1, WAIT));

            CompletableFuture<Void> closing = CompletableFuture.runAsync(() -> mirrorswitch.drainAndClose(Duration.ofMinutes(2)));

            HttpResponse<String> ready = admin.awaitGet("/readyz", r -> r.statusCode() == 503, WAIT, "/readyz turns 503 when the drain starts");
            assertTrue(AdminClient.json(ready).path("draining").asBoolean(), ready.body());
            assertFalse(AdminClient.json(ready).path("ready").asBoolean(true), ready.body());
            assertEquals(200, admin.get("/healthz").statusCode(), "the process still serves: not a liveness failure");

            String manifest = "/v2/team/app/manifests/v1";
            HttpResponse<byte[]> refused = http.send(HttpRequest.newBuilder(URI.create(base + manifest))
                    .header("Authorization", "Bearer " + token).build(), HttpResponse.BodyHandlers.ofByteArray());
            assertEquals(503, refused.statusCode());
            assertEquals("UNAVAILABLE", Sidecar.errorCode(refused));
            assertEquals("mirrorswitch is shutting down", Sidecar.json(refused).path("errors").path(0).path("message").asText());
            assertEquals("registry/2.0", refused.headers().firstValue("Docker-Distribution-Api-Version").orElseThrow());
            assertEquals("1", refused.headers().firstValue("Retry-After").orElseThrow());
            assertEquals(refused.body().length, refused.headers().firstValueAsLong("Content-Length").orElseThrow());
            log.await(l -> l.contains("access - GET " + manifest + " 503 "), WAIT);

            front.clear(); // the held pull's upstream connection is reset: it resumes and completes, and the drain ends
            HttpResponse<byte[]> finished = held.get(WAIT.toSeconds(), TimeUnit.SECONDS);
            assertEquals(200, finished.statusCode());
            assertEquals(layer, sha256(finished.body()));
            closing.get(WAIT.toSeconds(), TimeUnit.SECONDS);
        }
    }

    @ParameterizedTest(name = "coalescing {0}")
    @ValueSource(booleans = {true, false})
    void aTransferCutAtTheEndOfTheGraceIsLoggedAsTheShutdownsDoing(boolean coalescing, @TempDir Path storage) throws Exception {
        String repo = "big/blob";
        StorageBlobs.Blob blob = StorageBlobs.writeRandom(storage, repo, 25, 32L << 20);
        String path = "/v2/" + repo + "/blobs/" + blob.digest();
        try (RegistryProcess registry = RegistryProcess.builder().name("drain-cut").seededFrom(storage).start();
             CapturedLog log = new CapturedLog()) {
            Mirrorswitch mirrorswitch = Mirrorswitch.start(new ConfigLoader(Map.of()).parse("""
                    listen: 127.0.0.1:0
                    admin: 127.0.0.1:0
                    upstreams:
                      - {name: up, url: '%s'}
                    coalescing: {enabled: %s, spoolDir: %s}
                    """.formatted(registry.url(), coalescing, storage.resolve("spool"))), false);
            String token = token("http://127.0.0.1:" + mirrorswitch.port(), repo);
            try (Socket client = new Socket()) {
                client.setReceiveBufferSize(16 * 1024);
                client.connect(new InetSocketAddress("127.0.0.1", mirrorswitch.port()));
                OutputStream out = client.getOutputStream();
                out.write(("GET " + path + " HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer " + token + "\r\n\r\n")
                        .getBytes(StandardCharsets.US_ASCII));
                out.flush();
                // A client that takes the first half MiB and then stops reading: the pull outlasts the grace.
                InputStream in = client.getInputStream();
                byte[] buffer = new byte[64 * 1024];
                for (long read = 0; read < 512 * 1024; ) {
                    int n = in.read(buffer);
                    assertTrue(n > 0, "the body started");
                    read += n;
                }
                if (coalescing) {
                    // The whole blob spooled and verified: the upstream is done, only the send to the client runs.
                    awaitSpooled(storage.resolve("spool"), blob.size());
                }

                mirrorswitch.drainAndClose(Duration.ZERO);
            }
            String cut = log.await(l -> l.contains("closing the connection for " + path), WAIT);
            assertTrue(cut.contains("mirrorswitch is shutting down"), cut);
            assertFalse(log.text().contains("client went away"), "the client never left: " + cut);
            assertTrue(log.text().contains("cutting the request(s) still in flight after 0 s: [GET " + path), log.text());
        }
    }

    /** Polls, with a deadline, until a spool file holds all {@code size} bytes. */
    private static void awaitSpooled(Path spoolDir, long size) throws Exception {
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (true) {
            try (Stream<Path> files = Files.walk(spoolDir)) {
                if (files.filter(f -> f.toString().endsWith(".spool")).anyMatch(f -> f.toFile().length() == size)) {
                    return;
                }
            }
            assertTrue(System.nanoTime() < deadline, "the blob was not spooled within " + WAIT);
            LockSupport.parkNanos(Duration.ofMillis(20).toNanos());
        }
    }

    private String token(String base, String repository) throws Exception {
        HttpResponse<String> answer = http.send(HttpRequest.newBuilder(URI.create(
                base + "/token?scope=repository:" + repository + ":pull")).build(), HttpResponse.BodyHandlers.ofString());
        return Sidecar.JSON.readTree(answer.body()).path("token").asText();
    }

    private static String sha256(byte[] bytes) throws Exception {
        return "sha256:" + HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
    }
}
