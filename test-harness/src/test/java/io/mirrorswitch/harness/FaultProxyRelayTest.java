package io.mirrorswitch.harness;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * FaultProxy with no faults injected is a faithful HTTP/1.1 relay: keep-alive, HEAD, Range, chunked
 * and huge bodies, a real skopeo pull; plus the shared bandwidth limit and the counters.
 */
class FaultProxyRelayTest {

    private static final Duration TIMEOUT = Duration.ofSeconds(10);
    private static SeededStorage seed;
    private static UpstreamRegistry upstream;
    private static TinyOrigin origin;

    private FaultProxy proxy;
    private HttpClient http;

    @TempDir
    Path tmp;

    @BeforeAll
    static void startTargets() throws IOException {
        seed = SeedStore.shared();
        upstream = UpstreamRegistry.anonymous(seed.storageDir());
        origin = new TinyOrigin();
    }

    @AfterAll
    static void stopTargets() {
        origin.close();
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
    void headKeepsContentLengthWithoutABodyAndTheConnectionStaysUsable() throws Exception {
        OciImage busybox = seed.image(SeedStore.BUSYBOX);
        String digest = busybox.layerDigests().get(0);
        byte[] blob = Files.readAllBytes(busybox.blobFile(digest));
        String path = "/v2/library/busybox/blobs/" + digest;

        try (WireClient wire = new WireClient(proxy.port(), TIMEOUT)) {
            HttpHead head = wire.send("HEAD", path).head();
            assertEquals(200, head.status());
            assertEquals(Long.toString(blob.length), head.first("Content-Length"));
            assertEquals(digest, head.first("Docker-Content-Digest"));

            // Had the proxy sent a body after the HEAD answer, this GET's head would read garbage.
            HttpHead get = wire.send("GET", path).head();
            assertEquals(200, get.status());
            assertArrayEquals(blob, wire.body(get).bytes());

            HttpHead manifest = wire.send("GET", "/v2/library/busybox/manifests/latest",
                    "Accept: " + RegistryHttp.OCI_MANIFEST).head();
            assertEquals(200, manifest.status());
            assertArrayEquals(busybox.manifestBytes(), wire.body(manifest).bytes());
        }
        assertEquals(1, proxy.connectionsAccepted());
        assertEquals(List.of("HEAD " + path + " -> 200", "GET " + path + " -> 200",
                        "GET /v2/library/busybox/manifests/latest -> 200"),
                proxy.requests().stream().map(RelayedRequest::toString).toList());
    }

    @Test
    void rangeIsForwardedAndDockerRegistryAnswers206() throws Exception {
        OciImage alpine = seed.image(SeedStore.ALPINE);
        String digest = alpine.layerDigests().get(1);
        byte[] blob = Files.readAllBytes(alpine.blobFile(digest));

        HttpResponse<byte[]> response = http.send(HttpRequest.newBuilder(
                        URI.create(proxy.url() + "/v2/library/alpine/blobs/" + digest))
                .header("Range", "bytes=1000-1999").timeout(TIMEOUT).build(), HttpResponse.BodyHandlers.ofByteArray());

        assertEquals(206, response.statusCode());
        assertEquals("bytes 1000-1999/" + blob.length, response.headers().firstValue("Content-Range").orElseThrow());
        assertArrayEquals(Arrays.copyOfRange(blob, 1000, 2000), response.body());
        assertEquals(1000, proxy.bodyBytesFromTarget());
    }

    @Test
    void unsatisfiableRangeGetsDockerRegistrysShort416RelayedAsItIs() throws Exception {
        // docker-registry 2.8 declares the blob's size as Content-Length on this 416 but sends a
        // 33-byte text and closes: the proxy must mirror that clean early end, not wait for more.
        String digest = seed.image(SeedStore.BUSYBOX).layerDigests().get(0);
        try (WireClient wire = new WireClient(proxy.port(), TIMEOUT)) {
            HttpHead head = wire.send("GET", "/v2/library/busybox/blobs/" + digest, "Range: bytes=99999999-").head();
            assertEquals(416, head.status());
            WireClient.Body body = wire.body(head);
            assertEquals(WireClient.End.EOF, body.end());
            assertTrue(body.length() < 100, "short body: " + body.length());
        }
    }

    @Test
    void jdkClientReusesOneConnectionAndCountersCountWhatWentThrough() throws Exception {
        OciImage app = seed.image(SeedStore.APP);
        long expected = 0;
        for (String digest : app.blobDigests()) {
            HttpResponse<byte[]> response = http.send(HttpRequest.newBuilder(
                            URI.create(proxy.url() + "/v2/team/app/blobs/" + digest)).timeout(TIMEOUT).build(),
                    HttpResponse.BodyHandlers.ofByteArray());
            assertEquals(200, response.statusCode());
            assertEquals(digest, Sha256.digest(response.body()));
            expected += response.body().length;
        }
        assertEquals(200, http.send(HttpRequest.newBuilder(URI.create(proxy.url() + "/v2/")).timeout(TIMEOUT).build(),
                HttpResponse.BodyHandlers.discarding()).statusCode());

        assertEquals(1, proxy.connectionsAccepted());
        assertEquals(app.blobDigests().size(), proxy.requestCount(Match.BLOBS.method("GET")));
        assertEquals(1, proxy.requestCount(Match.BASE));
        assertEquals(expected + 2, proxy.bodyBytesFromTarget()); // "{}" from /v2/
        assertEquals(proxy.bodyBytesFromTarget(), proxy.bodyBytesToClient());

        proxy.resetCounters();
        assertEquals(List.of(), proxy.requests());
        assertEquals(0, proxy.bodyBytesFromTarget());
        assertEquals(0, proxy.connectionsAccepted());
    }

    @Test
    void skopeoPullsIntactThroughTheProxy() {
        OciImage alpine = seed.image(SeedStore.ALPINE);

        PullResult result = Skopeo.pull(proxy.hostPort(), SeedStore.ALPINE, tmp.resolve("alpine"), TIMEOUT);

        assertEquals(alpine.manifestDigest(), result.manifestDigest());
        assertEquals(alpine.blobDigests(), result.blobDigests());
        assertTrue(proxy.requestCount(Match.BLOBS) >= alpine.blobDigests().size(), proxy.requests().toString());
    }

    @Test
    void chunkedBodiesArriveWholeAndOnAKeptAliveConnection() throws Exception {
        try (FaultProxy chunking = FaultProxy.inFrontOf(origin.url());
             WireClient wire = new WireClient(chunking.port(), TIMEOUT)) {
            for (int size : new int[] {1, 70_000, 300_001}) {
                HttpHead head = wire.send("GET", "/chunked/" + size).head();
                assertEquals("chunked", head.first("Transfer-Encoding"));
                assertNull(head.first("Content-Length"));
                BodyReader reader = new BodyReader(wire.input(), new BodyFraming(BodyFraming.Type.CHUNKED, -1));
                byte[] body = readAll(reader);
                assertEquals(size, body.length);
                assertPattern(body, 0);
            }
            assertEquals(1, chunking.connectionsAccepted());
            assertEquals(1 + 70_000 + 300_001, chunking.bodyBytesFromTarget());
        }
    }

    @Test
    void a512MegabyteBodyStreamsAtLoopbackSpeedWithoutBeingBuffered() throws Exception {
        long size = 512L * 1024 * 1024;
        try (FaultProxy streaming = FaultProxy.inFrontOf(origin.url())) {
            // The origin sends 1 MiB, then waits for us to have it: a buffering proxy would deadlock.
            try (WireClient wire = new WireClient(streaming.port(), TIMEOUT)) {
                HttpHead head = wire.send("GET", "/gated/" + (TinyOrigin.GATE_AT * 2L)).head();
                assertEquals(200, head.status());
                assertEquals(TinyOrigin.GATE_AT, wire.read(TinyOrigin.GATE_AT).length());
                origin.openGate();
                assertEquals(WireClient.End.COMPLETE, wire.read(TinyOrigin.GATE_AT).end());
            }

            long received;
            long started = System.nanoTime();
            try (WireClient wire = new WireClient(streaming.port(), TIMEOUT)) {
                assertEquals(Long.toString(size), wire.send("GET", "/bytes/" + size).head().first("Content-Length"));
                received = wire.drain(size);
            }
            double seconds = (System.nanoTime() - started) / 1e9;
            double mbPerSecond = size / seconds / 1e6;
            System.out.printf("512 MB through FaultProxy: %.2f s, %.0f MB/s%n", seconds, mbPerSecond);
            assertEquals(size, received);
            assertTrue(mbPerSecond > 100, "throughput " + mbPerSecond + " MB/s");
        }
    }

    @Test
    void sharedLimitKeepsAggregateThroughputNearItAcrossConnections() throws Exception {
        int clients = 3;
        long each = 2_000_000;
        long limit = 8_000_000;
        try (FaultProxy slow = FaultProxy.inFrontOf(origin.url())) {
            slow.limitBytesPerSecond(limit);
            ExecutorService pool = Executors.newFixedThreadPool(clients);
            try {
                long started = System.nanoTime();
                List<Future<Long>> results = new ArrayList<>();
                for (int i = 0; i < clients; i++) {
                    results.add(pool.submit(() -> drainOverOwnConnection(slow, "/bytes/" + each)));
                }
                for (Future<Long> result : results) {
                    assertEquals(each, result.get());
                }
                double seconds = (System.nanoTime() - started) / 1e9;
                double rate = clients * each / seconds;
                System.out.printf("3 x 2 MB at an 8 MB/s limit: %.2f s, %.1f MB/s aggregate%n", seconds, rate / 1e6);
                assertTrue(rate < limit * 1.25 && rate > limit * 0.4, "aggregate " + rate + " B/s vs limit " + limit);
            } finally {
                pool.shutdownNow();
            }
            slow.limitBytesPerSecond(0);
            long started = System.nanoTime();
            assertEquals(32_000_000, drainOverOwnConnection(slow, "/bytes/32000000"));
            assertTrue((System.nanoTime() - started) / 1e9 < 2, "0 means no limit (4 s at the old one)");
        }
    }

    private static long drainOverOwnConnection(FaultProxy proxy, String path) throws IOException {
        try (WireClient wire = new WireClient(proxy.port(), TIMEOUT)) {
            HttpHead head = wire.send("GET", path).head();
            return wire.drain(Long.parseLong(head.first("Content-Length")));
        }
    }

    private static byte[] readAll(BodyReader reader) throws IOException {
        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
        byte[] buffer = new byte[8192];
        for (int n; (n = reader.read(buffer, 0, buffer.length)) >= 0; ) {
            out.write(buffer, 0, n);
        }
        return out.toByteArray();
    }

    static void assertPattern(byte[] body, long startOffset) {
        for (int i = 0; i < body.length; i++) {
            if (body[i] != TinyOrigin.byteAt(startOffset + i)) {
                throw new AssertionError("byte " + (startOffset + i) + " is " + body[i]);
            }
        }
    }
}
