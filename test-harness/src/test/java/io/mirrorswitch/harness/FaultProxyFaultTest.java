package io.mirrorswitch.harness;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Each fault of FaultProxy does what it says, seen from a raw socket or the JDK client, against docker-registry. */
class FaultProxyFaultTest {

    private static final Duration TIMEOUT = Duration.ofSeconds(10);
    /** How long a read waits before a test concludes "nothing more comes". */
    private static final Duration SILENCE = Duration.ofMillis(300);
    private static final ObjectMapper JSON = new ObjectMapper();

    private static SeededStorage seed;
    private static UpstreamRegistry upstream;
    private static String blobPath;
    private static byte[] blob;

    private FaultProxy proxy;
    private HttpClient http;

    @BeforeAll
    static void startUpstream() throws IOException {
        seed = SeedStore.shared();
        upstream = UpstreamRegistry.anonymous(seed.storageDir());
        OciImage busybox = seed.image(SeedStore.BUSYBOX);
        String digest = busybox.layerDigests().get(0);
        blobPath = "/v2/library/busybox/blobs/" + digest;
        blob = Files.readAllBytes(busybox.blobFile(digest));
    }

    @AfterAll
    static void stopUpstream() {
        upstream.close();
    }

    @BeforeEach
    void startProxy() {
        proxy = FaultProxy.inFrontOf(upstream);
        http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(Duration.ofSeconds(2)).build();
    }

    @AfterEach
    void stopProxy() {
        proxy.close();
    }

    @Test
    void resetAnswersWithRstAndTheTargetNeverSeesTheRequest() throws Exception {
        proxy.inject(Fault.reset().on(Match.BLOBS).once());

        try (WireClient wire = new WireClient(proxy.port(), TIMEOUT)) {
            wire.send("GET", blobPath);
            IOException reset = assertThrows(IOException.class, wire::head);
            assertTrue(reset.getMessage().contains("reset"), reset.getMessage());
        }
        assertEquals(0, proxy.bodyBytesFromTarget());
        assertEquals(0, proxy.requests().get(0).status());

        assertEquals(200, get(blobPath).statusCode(), "once: the next request passes");
    }

    @Test
    void blackholeHoldsTheConnectionSilentlyUntilCleared() throws Exception {
        proxy.inject(Fault.blackhole().on(Match.MANIFESTS));

        try (WireClient wire = new WireClient(proxy.port(), SILENCE)) {
            wire.send("GET", "/v2/library/busybox/manifests/latest");
            assertTrue(proxy.awaitRequests(Match.MANIFESTS, 1, TIMEOUT));
            assertEquals(WireClient.End.TIMEOUT, wire.end());
            assertEquals(1, proxy.heldConnections());

            proxy.clear();

            assertEquals(WireClient.End.RESET, wire.end());
        }
        assertEquals(0, proxy.heldConnections());
        assertEquals(200, get("/v2/library/busybox/manifests/latest", "Accept", RegistryHttp.OCI_MANIFEST).statusCode());
    }

    @Test
    void stallSendsTheHeadAndNBytesThenNothing() throws Exception {
        proxy.inject(Fault.stallAfterBytes(1000).on(Match.BLOBS).times(1));

        try (WireClient wire = new WireClient(proxy.port(), SILENCE)) {
            HttpHead head = wire.send("GET", blobPath).head();
            assertEquals(200, head.status());
            assertEquals(Integer.toString(blob.length), head.first("Content-Length"));
            WireClient.Body body = wire.body(head);
            assertEquals(WireClient.End.TIMEOUT, body.end());
            assertArrayEquals(Arrays.copyOf(blob, 1000), body.bytes());
            assertEquals(1000, proxy.bodyBytesFromTarget(), "reads stop at the stall too");

            proxy.clear();
            assertEquals(WireClient.End.RESET, wire.end());
        }
    }

    @Test
    void truncateSendsTheFullLengthThenEndsCleanlyEarly() throws Exception {
        proxy.inject(Fault.truncateAfterBytes(5000).on(Match.BLOBS));

        try (WireClient wire = new WireClient(proxy.port(), TIMEOUT)) {
            HttpHead head = wire.send("GET", blobPath).head();
            assertEquals(Integer.toString(blob.length), head.first("Content-Length"));
            WireClient.Body body = wire.body(head);
            assertEquals(WireClient.End.EOF, body.end(), "a FIN, not a reset");
            assertArrayEquals(Arrays.copyOf(blob, 5000), body.bytes());
        }
    }

    @Test
    void trickleDeliversTheWholeBodySlowlyInSmallPieces() throws Exception {
        proxy.inject(Fault.trickle(40_000).on(Match.BLOBS));

        long started = System.nanoTime();
        HttpResponse<byte[]> response = get(blobPath, "Range", "bytes=0-19999");
        double seconds = (System.nanoTime() - started) / 1e9;

        assertEquals(206, response.statusCode());
        assertArrayEquals(Arrays.copyOf(blob, 20_000), response.body());
        assertTrue(seconds > 0.4 && seconds < 2, "20 kB at 40 kB/s took " + seconds + " s");
    }

    @Test
    void statusAnswersCarryTheirBodyAndHeadersAndKeepTheConnection() throws Exception {
        proxy.inject(Fault.tooManyRequests(7).on(Match.MANIFESTS).once())
                .inject(Fault.status(503).html("<html><body>down</body></html>").on(Match.MANIFESTS).once())
                .inject(Fault.status(403).text("region blocked").header("X-Reason", "geo").on(Match.MANIFESTS).once());
        String manifest = "/v2/library/busybox/manifests/latest";

        try (WireClient wire = new WireClient(proxy.port(), TIMEOUT)) {
            HttpHead limited = wire.send("GET", manifest).head();
            assertEquals(429, limited.status());
            assertEquals("7", limited.first("Retry-After"));
            JsonNode error = JSON.readTree(wire.body(limited).bytes()).get("errors").get(0);
            assertEquals("TOOMANYREQUESTS", error.get("code").asText());

            HttpHead down = wire.send("GET", manifest).head();
            assertEquals(503, down.status());
            assertTrue(down.first("Content-Type").startsWith("text/html"));
            assertEquals("<html><body>down</body></html>", new String(wire.body(down).bytes(), StandardCharsets.UTF_8));

            HttpHead blocked = wire.send("HEAD", manifest).head();
            assertEquals(403, blocked.status());
            assertEquals("geo", blocked.first("X-Reason"));
            assertEquals("14", blocked.first("Content-Length"), "HEAD: the size, no body");

            HttpHead passed = wire.send("GET", manifest, "Accept: " + RegistryHttp.OCI_MANIFEST).head();
            assertEquals(200, passed.status());
            assertArrayEquals(seed.image(SeedStore.BUSYBOX).manifestBytes(), wire.body(passed).bytes());
        }
        assertEquals(1, proxy.connectionsAccepted());
        assertEquals(List.of(429, 503, 403, 200), proxy.requests().stream().map(RelayedRequest::status).toList());
    }

    @Test
    void flipCorruptsExactlyTheByteAtTheOffset() throws Exception {
        proxy.inject(Fault.flipByteAt(12_345).on(Match.BLOBS).once());

        byte[] received = get(blobPath).body();

        assertEquals(blob.length, received.length);
        assertNotEquals(Sha256.digest(blob), Sha256.digest(received));
        byte[] repaired = received.clone();
        repaired[12_345] ^= (byte) 0xFF;
        assertArrayEquals(blob, repaired);
        assertArrayEquals(blob, get(blobPath).body(), "once: the next answer is intact");
    }

    @Test
    void replacedManifestKeepsTheOriginalDigestHeaderUnlessAskedToRewriteIt() throws Exception {
        OciImage busybox = seed.image(SeedStore.BUSYBOX);
        byte[] other = seed.image(SeedStore.APP).manifestBytes();
        String manifest = "/v2/library/busybox/manifests/latest";
        proxy.inject(Fault.replaceBody(other).on(Match.MANIFESTS.method("GET")).once());

        HttpResponse<byte[]> lying = get(manifest, "Accept", RegistryHttp.OCI_MANIFEST);
        assertArrayEquals(other, lying.body());
        assertEquals(busybox.manifestDigest(), lying.headers().firstValue("Docker-Content-Digest").orElseThrow());

        proxy.inject(Fault.replaceBodyAndDigest(other).on(Match.MANIFESTS));
        HttpResponse<byte[]> head = send(HttpRequest.newBuilder(URI.create(proxy.url() + manifest))
                .method("HEAD", HttpRequest.BodyPublishers.noBody()).header("Accept", RegistryHttp.OCI_MANIFEST));
        assertEquals(Sha256.digest(other), head.headers().firstValue("Docker-Content-Digest").orElseThrow());
        assertEquals(Integer.toString(other.length), head.headers().firstValue("Content-Length").orElseThrow());
        HttpResponse<byte[]> consistent = get(manifest, "Accept", RegistryHttp.OCI_MANIFEST);
        assertArrayEquals(other, consistent.body());
        assertEquals(Sha256.digest(other), consistent.headers().firstValue("Docker-Content-Digest").orElseThrow());
    }

    @Test
    void ignoreRangeGetsAFull200WhereTheTargetWouldAnswer206() throws Exception {
        proxy.inject(Fault.ignoreRange().on(Match.BLOBS).once());

        HttpResponse<byte[]> ignored = get(blobPath, "Range", "bytes=100-199");
        assertEquals(200, ignored.statusCode());
        assertArrayEquals(blob, ignored.body());

        HttpResponse<byte[]> honoured = get(blobPath, "Range", "bytes=100-199");
        assertEquals(206, honoured.statusCode());
        assertArrayEquals(Arrays.copyOfRange(blob, 100, 200), honoured.body());
    }

    @Test
    void bodyFaultsAreUsedOnlyByAnswersTheyCanActOn() throws Exception {
        proxy.inject(Fault.truncateAfterBytes(10).on(Match.BLOBS).once());

        // A HEAD has no body and a 404 is not a 2xx: neither uses the single truncate up.
        assertEquals(200, send(HttpRequest.newBuilder(URI.create(proxy.url() + blobPath))
                .method("HEAD", HttpRequest.BodyPublishers.noBody())).statusCode());
        assertEquals(404, get("/v2/library/busybox/blobs/sha256:" + "0".repeat(64)).statusCode());
        assertEquals(1, proxy.activeRules().size());

        assertThrows(IOException.class, () -> get(blobPath));
        assertEquals(List.of(), proxy.activeRules());
        assertArrayEquals(blob, get(blobPath).body());
    }

    @Test
    void faultsCombineAndRulesSelectByMethodAndPath() throws Exception {
        proxy.inject(Fault.ignoreRange().on(Match.BLOBS))
                .inject(Fault.stallAfterBytes(0).on(Match.BLOBS.method("GET").pathContains("no-such-digest")))
                .inject(Fault.flipByteAt(0).on(Match.BLOBS.method("GET")));

        HttpResponse<byte[]> response = get(blobPath, "Range", "bytes=5-9");

        assertEquals(200, response.statusCode(), "range ignored");
        assertEquals(blob.length, response.body().length);
        assertEquals((byte) (blob[0] ^ 0xFF), response.body()[0], "and the first byte flipped");
        assertEquals(List.of("IgnoreRange[]", "FlipByte[offset=0]"), proxy.requests().get(0).faults());
    }

    private HttpResponse<byte[]> get(String path, String... headers) throws IOException, InterruptedException {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(proxy.url() + path));
        for (int i = 0; i < headers.length; i += 2) {
            request.header(headers[i], headers[i + 1]);
        }
        return send(request);
    }

    private HttpResponse<byte[]> send(HttpRequest.Builder request) throws IOException, InterruptedException {
        return http.send(request.timeout(TIMEOUT).build(), HttpResponse.BodyHandlers.ofByteArray());
    }
}
