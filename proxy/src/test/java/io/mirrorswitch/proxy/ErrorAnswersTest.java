package io.mirrorswitch.proxy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.mirrorswitch.health.UpstreamHealth;
import io.mirrorswitch.harness.RegistryProcess;
import io.mirrorswitch.harness.StorageBlobs;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A 4xx that the request itself caused is passed on with a body whose length we counted, and never blames the
 * upstream. docker-registry 2.8 answers an unsatisfiable or unparsable {@code Range} with 416, the blob's size as
 * {@code Content-Length} and a 14 to 33 byte text body, then closes: relayed as announced, that body "ended early",
 * was taken for a broken transfer and reported, and a few such requests ejected a healthy upstream.
 */
class ErrorAnswersTest {
    /** Larger than any error body, so that a Content-Length of the blob's size cannot pass for one. */
    private static final long SIZE = 300_000;
    private static final String REPO = "range/test";

    @TempDir
    static Path storage;
    private static StorageBlobs.Blob blob;
    private static RegistryProcess registry;

    @BeforeAll
    static void startUpstream() {
        blob = StorageBlobs.writeRandom(storage, REPO, 416, SIZE);
        registry = RegistryProcess.builder().name("error-answers").seededFrom(storage).start();
    }

    @AfterAll
    static void stopUpstream() {
        registry.close();
    }

    private String blobPath() {
        return "/v2/" + REPO + "/blobs/" + blob.digest();
    }

    @Test
    void aRangeBeyondTheBlobIs416WithARegistryErrorAndTheBlobSize() throws Exception {
        try (Sidecar sidecar = Sidecar.start("{name: up, url: '" + registry.url() + "'}")) {
            // Several at once, as the clients that got a healthy upstream ejected sent them.
            List<CompletableFuture<HttpResponse<byte[]>>> parallel = IntStream.range(0, 6)
                    .mapToObj(i -> CompletableFuture.supplyAsync(() -> sidecar.pull("GET", blobPath(), "Range", "bytes=99999999-")))
                    .toList();
            for (CompletableFuture<HttpResponse<byte[]>> each : parallel) {
                HttpResponse<byte[]> response = each.get();
                assertEquals(416, response.statusCode());
                assertEquals("RANGE_INVALID", Sidecar.errorCode(response), new String(response.body(), StandardCharsets.UTF_8));
                assertEquals(response.body().length, response.headers().firstValueAsLong("Content-Length").orElseThrow());
                assertEquals("bytes */" + SIZE, response.headers().firstValue("Content-Range").orElseThrow());
                assertEquals("registry/2.0", response.headers().firstValue("Docker-Distribution-Api-Version").orElseThrow());
                assertEquals("up", response.headers().firstValue("X-Mirrorswitch-Upstream").orElseThrow());
                assertTrue(response.headers().firstValue("Cache-Control").isEmpty(), "the blob's max-age is not the error's");
            }

            HttpResponse<byte[]> head = sidecar.pull("HEAD", blobPath(), "Range", "bytes=99999999-");
            assertEquals(416, head.statusCode());
            assertEquals(parallel.get(0).get().body().length, head.headers().firstValueAsLong("Content-Length").orElseThrow(),
                    "a HEAD announces what the GET sends");
            assertNoUpstreamBlamed(sidecar);
        }
    }

    @Test
    void anUnparsableRangeIs416WithoutASize() {
        try (Sidecar sidecar = Sidecar.start("{name: up, url: '" + registry.url() + "'}")) {
            for (String range : new String[] {"garbage", "bytes=5-2"}) {
                HttpResponse<byte[]> response = sidecar.pull("GET", blobPath(), "Range", range);
                assertEquals(416, response.statusCode(), range);
                assertEquals("RANGE_INVALID", Sidecar.errorCode(response), range);
                assertEquals(range, Sidecar.json(response).path("errors").path(0).path("detail").asText());
                assertTrue(response.headers().firstValue("Content-Range").isEmpty(), "docker-registry did not tell the size");
            }
            assertNoUpstreamBlamed(sidecar);
        }
    }

    @Test
    void anErrorBodyShorterThanItsContentLengthBecomesOurOwnError() throws Exception {
        // No real registry sends a JSON error that breaks off: a canned upstream does.
        String json = "{\"errors\":[{\"code\":\"DENIED\",\"message\":\"requested access to the resource is denied\"}]}";
        byte[] raw = ("HTTP/1.1 400 Bad Request\r\nContent-Type: application/json\r\nContent-Length: " + (json.length() + 500)
                + "\r\n\r\n" + json).getBytes(StandardCharsets.US_ASCII);
        try (RelayFidelityTest.CannedServer upstream = new RelayFidelityTest.CannedServer(head -> raw);
             Sidecar sidecar = Sidecar.start("{name: up, url: 'http://127.0.0.1:" + upstream.port() + "'}")) {
            HttpResponse<byte[]> response = sidecar.pull("GET", blobPath());
            assertEquals(400, response.statusCode());
            assertEquals("UNKNOWN", Sidecar.errorCode(response));
            assertEquals(response.body().length, response.headers().firstValueAsLong("Content-Length").orElseThrow());
            assertNoUpstreamBlamed(sidecar);
        }
    }

    private static void assertNoUpstreamBlamed(Sidecar sidecar) {
        UpstreamHealth up = sidecar.server.board().snapshot().upstream("up").orElseThrow();
        assertEquals(0, up.consecutiveFail(), up.toString());
        assertFalse(up.judged(), "only probes judged it (none ran): " + up);
        String metrics = new AdminClient(sidecar.server.adminPort()).get("/metrics").body();
        assertFalse(metrics.contains("mirrorswitch_resumes_total{"), metrics);
        assertFalse(metrics.contains("mirrorswitch_failovers_total{"), metrics);
    }
}
