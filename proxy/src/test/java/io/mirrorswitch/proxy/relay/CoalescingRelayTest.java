package io.mirrorswitch.proxy.relay;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.mirrorswitch.harness.Fault;
import io.mirrorswitch.harness.FaultProxy;
import io.mirrorswitch.harness.Match;
import io.mirrorswitch.harness.RegistryProcess;
import io.mirrorswitch.harness.StorageBlobs;
import java.io.IOException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Coalescing on the request path, against a real registry behind a fault proxy that counts what the upstream
 * sends. A fetch is held in flight deterministically by stalling its body (released by {@code clear()}, which
 * resets the connection, so the fetch resumes with Range at the byte where it stopped).
 */
class CoalescingRelayTest {
    private static final long SIZE = 4L << 20;
    private static final String REPO = "big/blob";
    private static final Match BLOB_GETS = Match.BLOBS.method("GET");
    private static final Duration WAIT = Duration.ofSeconds(20);

    @TempDir
    static Path storage;
    @TempDir
    Path spoolDir;
    private static RegistryProcess registry;
    private static FaultProxy upstream;
    private static StorageBlobs.Blob x;
    private static StorageBlobs.Blob y;
    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
    private final RecordingListener listener = new RecordingListener();

    @BeforeAll
    static void startUpstream() {
        x = StorageBlobs.writeRandom(storage, REPO, 1, SIZE);
        y = StorageBlobs.writeRandom(storage, REPO, 2, SIZE);
        registry = RegistryProcess.builder().name("coalesce").seededFrom(storage).start();
        upstream = FaultProxy.inFrontOf(registry.url());
    }

    @AfterAll
    static void stopUpstream() {
        upstream.close();
        registry.close();
    }

    @BeforeEach
    void heal() {
        upstream.clear();
        upstream.resetCounters();
    }

    private RelayServer server(String coalescing) {
        return RelayServer.start("""
                upstreams:
                  - {name: a, url: %s}
                coalescing: {spoolDir: %s%s}
                """.formatted(upstream.url(), spoolDir, coalescing), listener);
    }

    @Test
    void concurrentGetsOfOneBlobShareOneUpstreamFetchUnderAnyName() throws Exception {
        List<HttpResponse<byte[]>> responses;
        try (RelayServer server = server("")) {
            upstream.inject(Fault.stallAfterBytes(SIZE / 4).on(BLOB_GETS).once());
            CompletableFuture<HttpResponse<byte[]>> first = get(server, "/v2/" + REPO + "/blobs/" + x.digest());
            assertTrue(upstream.awaitRequests(BLOB_GETS, 1, WAIT));
            CompletableFuture<HttpResponse<byte[]>> second = get(server, "/v2/" + REPO + "/blobs/" + x.digest());
            CompletableFuture<HttpResponse<byte[]>> otherName = get(server, "/v2/some/other-name/blobs/" + x.digest());
            SharedFetch fetch = server.fetches.inFlight(x.digest()).orElseThrow();
            assertTrue(fetch.awaitReaders(3, WAIT), "all three share the fetch");
            fetch.awaitReadable(SIZE / 4 - 1); // everything before the stall is in, so the reset loses no byte

            upstream.clear(); // the stalled connection is reset: the fetch resumes at the byte where it stopped
            responses = List.of(done(first), done(second), done(otherName));
        }
        HttpResponse<byte[]> leader = responses.get(0);
        for (HttpResponse<byte[]> response : responses) {
            assertEquals(200, response.statusCode());
            assertEquals(x.digest(), sha256(response.body()), "every client got the verified blob");
            for (String header : List.of("Content-Length", "Content-Type", "Docker-Content-Digest", "X-Mirrorswitch-Upstream")) {
                assertEquals(leader.headers().firstValue(header), response.headers().firstValue(header), header);
            }
        }
        assertEquals(String.valueOf(SIZE), leader.headers().firstValue("Content-Length").orElseThrow());
        assertEquals(SIZE, upstream.bodyBytesFromTarget(), "the upstream sent the blob once, for three clients");
        assertEquals(2, upstream.requestCount(BLOB_GETS), "one GET and one ranged resume: " + upstream.requests());
        assertEquals(List.of(SIZE, SIZE), listener.coalescedBytes);
        assertEquals(1, listener.resumes.size(), "the break was resumed once for everybody: " + listener.resumes);
        assertNothingLeft();
    }

    @Test
    void aRequestAfterTheSharedFetchFinishedIsAnOrdinaryRequest() throws Exception {
        try (RelayServer server = server("")) {
            assertEquals(x.digest(), sha256(done(get(server, "/v2/" + REPO + "/blobs/" + x.digest())).body()));
            assertEquals(x.digest(), sha256(done(get(server, "/v2/" + REPO + "/blobs/" + x.digest())).body()));
        }
        assertEquals(2, upstream.requestCount(BLOB_GETS), "mirrorswitch is not a cache");
        assertEquals(2 * SIZE, upstream.bodyBytesFromTarget());
        assertEquals(List.of(), listener.coalescedBytes);
        assertNothingLeft();
    }

    @Test
    void aRangedGetIsNotShared() throws Exception {
        HttpResponse<byte[]> ranged;
        try (RelayServer server = server("")) {
            upstream.inject(Fault.stallAfterBytes(SIZE / 4).on(BLOB_GETS).once());
            CompletableFuture<HttpResponse<byte[]>> whole = get(server, "/v2/" + REPO + "/blobs/" + x.digest());
            assertTrue(upstream.awaitRequests(BLOB_GETS, 1, WAIT));
            ranged = done(get(server, "/v2/" + REPO + "/blobs/" + x.digest(), "Range", "bytes=0-99"));
            upstream.clear();
            assertEquals(x.digest(), sha256(done(whole).body()));
        }
        assertEquals(206, ranged.statusCode());
        assertEquals(100, ranged.body().length);
        assertEquals(3, upstream.requestCount(BLOB_GETS), "whole, ranged, resume: " + upstream.requests());
        assertEquals(List.of(), listener.coalescedBytes);
        assertNothingLeft();
    }

    @Test
    void overTheSharedFetchCapAnotherBlobStreamsOnItsOwn() throws Exception {
        try (RelayServer server = server(", maxSharedFetches: 1")) {
            upstream.inject(Fault.stallAfterBytes(SIZE / 4).on(BLOB_GETS.pathContains(x.hex())).once());
            CompletableFuture<HttpResponse<byte[]>> stalled = get(server, "/v2/" + REPO + "/blobs/" + x.digest());
            assertTrue(upstream.awaitRequests(BLOB_GETS, 1, WAIT));

            HttpResponse<byte[]> other = done(get(server, "/v2/" + REPO + "/blobs/" + y.digest()));
            assertEquals(200, other.statusCode());
            assertEquals(y.digest(), sha256(other.body()), "served directly while the only shared fetch is stalled");
            assertEquals(List.of(CoalescingCap.SHARED_FETCHES), listener.capsHit);

            upstream.clear();
            assertEquals(x.digest(), sha256(done(stalled).body()));
        }
        assertNothingLeft();
    }

    @Test
    void overTheSpoolCapEveryRequestStreamsOnItsOwn() throws Exception {
        try (RelayServer server = server(", maxSpoolBytes: " + (SIZE - 1) + "B")) {
            upstream.inject(Fault.stallAfterBytes(SIZE / 4).on(BLOB_GETS).once());
            CompletableFuture<HttpResponse<byte[]>> stalled = get(server, "/v2/" + REPO + "/blobs/" + x.digest());
            assertTrue(upstream.awaitRequests(BLOB_GETS, 1, WAIT));
            HttpResponse<byte[]> second = done(get(server, "/v2/" + REPO + "/blobs/" + x.digest()));
            assertEquals(x.digest(), sha256(second.body()));
            upstream.clear();
            assertEquals(x.digest(), sha256(done(stalled).body()));
        }
        assertEquals(List.of(CoalescingCap.SPOOL_BYTES, CoalescingCap.SPOOL_BYTES), listener.capsHit);
        assertTrue(upstream.bodyBytesFromTarget() >= 2 * SIZE, "two unshared fetches: " + upstream.bodyBytesFromTarget());
        assertNothingLeft();
    }

    @Test
    void aDigestMismatchCutsEveryRequestOfTheSharedFetch() throws Exception {
        CompletableFuture<HttpResponse<byte[]>> first;
        CompletableFuture<HttpResponse<byte[]>> second;
        try (RelayServer server = server("")) {
            upstream.inject(Fault.stallAfterBytes(SIZE / 4).on(BLOB_GETS).once());
            upstream.inject(Fault.flipByteAt(SIZE / 8).on(BLOB_GETS).once());
            first = get(server, "/v2/" + REPO + "/blobs/" + x.digest());
            assertTrue(upstream.awaitRequests(BLOB_GETS, 1, WAIT));
            second = get(server, "/v2/other/name/blobs/" + x.digest());
            SharedFetch fetch = server.fetches.inFlight(x.digest()).orElseThrow();
            assertTrue(fetch.awaitReaders(2, WAIT));
            fetch.awaitReadable(SIZE / 4 - 1); // the flipped byte is in
            upstream.clear(); // resumed cleanly, but the blob cannot verify any more
            for (CompletableFuture<HttpResponse<byte[]>> response : List.of(first, second)) {
                ExecutionException cut = assertThrows(ExecutionException.class, () -> response.get(WAIT.toSeconds(), TimeUnit.SECONDS));
                assertInstanceOf(IOException.class, cut.getCause(), "an abrupt close, never a complete-looking body");
            }
        }
        assertEquals(List.of("a"), listener.digestMismatches, "one fetch, one report");
        assertEquals(SIZE, upstream.bodyBytesFromTarget());
        assertNothingLeft();
    }

    @Test
    void withCoalescingOffAMismatchStillCutsTheDownloadBeforeItsLastByte() throws Exception {
        upstream.inject(Fault.flipByteAt(SIZE - 10).on(BLOB_GETS));
        try (RelayServer server = server(", enabled: false")) {
            ExecutionException cut = assertThrows(ExecutionException.class,
                    () -> get(server, "/v2/" + REPO + "/blobs/" + x.digest()).get(WAIT.toSeconds(), TimeUnit.SECONDS));
            assertInstanceOf(IOException.class, cut.getCause());
        }
        assertEquals(List.of("a"), listener.digestMismatches);
        assertEquals(List.of(), listener.capsHit, "off is not a cap");
        assertNothingLeft();
    }

    @Test
    void followersUnderTheSameNameTakeTheLeadersErrorOthersAskForThemselves() throws Exception {
        String unknown = "sha256:" + "0".repeat(64);
        HttpResponse<byte[]> leader;
        HttpResponse<byte[]> sameName;
        HttpResponse<byte[]> otherName;
        try (RelayServer server = server("")) {
            upstream.inject(Fault.blackhole().on(BLOB_GETS).once());
            CompletableFuture<HttpResponse<byte[]>> first = get(server, "/v2/" + REPO + "/blobs/" + unknown);
            assertTrue(upstream.awaitRequests(BLOB_GETS, 1, WAIT));
            CompletableFuture<HttpResponse<byte[]>> second = get(server, "/v2/" + REPO + "/blobs/" + unknown);
            CompletableFuture<HttpResponse<byte[]>> third = get(server, "/v2/another/repo/blobs/" + unknown);
            assertTrue(server.fetches.inFlight(unknown).orElseThrow().awaitReaders(3, WAIT));
            upstream.clear(); // the held request is reset: the leader has nobody else to ask
            leader = done(first);
            sameName = done(second);
            otherName = done(third);
        }
        assertEquals(503, leader.statusCode());
        assertEquals(503, sameName.statusCode());
        assertEquals(new String(leader.body()), new String(sameName.body()), "the same verdict, not a second try");
        assertEquals(404, otherName.statusCode(), "under another name the blob may exist: asked again");
        assertEquals(2, upstream.requestCount(BLOB_GETS), upstream.requests().toString());
        assertNothingLeft();
    }

    private void assertNothingLeft() throws IOException {
        try (Stream<Path> files = Files.list(spoolDir)) {
            assertEquals(List.of(), files.toList(), "every spool file deleted");
        }
    }

    private CompletableFuture<HttpResponse<byte[]>> get(RelayServer server, String path, String... headers) {
        HttpRequest.Builder request = HttpRequest.newBuilder(server.uri(path)).timeout(WAIT);
        for (int i = 0; i < headers.length; i += 2) {
            request.header(headers[i], headers[i + 1]);
        }
        return http.sendAsync(request.build(), HttpResponse.BodyHandlers.ofByteArray());
    }

    private static HttpResponse<byte[]> done(CompletableFuture<HttpResponse<byte[]>> response) throws Exception {
        return response.get(WAIT.toSeconds(), TimeUnit.SECONDS);
    }

    private static String sha256(byte[] bytes) throws Exception {
        return "sha256:" + HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
    }
}
