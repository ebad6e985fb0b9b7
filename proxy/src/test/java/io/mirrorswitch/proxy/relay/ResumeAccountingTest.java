package io.mirrorswitch.proxy.relay;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.mirrorswitch.harness.Fault;
import io.mirrorswitch.harness.FaultProxy;
import io.mirrorswitch.harness.Match;
import io.mirrorswitch.harness.RegistryProcess;
import io.mirrorswitch.harness.StorageBlobs;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.io.TempDir;

/**
 * What a blob resumed on another upstream is accounted as: every upstream that sent some of its bytes, in order,
 * for every request that got the body (alone, leading a shared fetch, or following one), and a resume reason that
 * says what happened. Two real registries with the same blob, the first behind a fault proxy.
 */
class ResumeAccountingTest {
    private static final long SIZE = 4L << 20;
    private static final String REPO = "big/blob";
    private static final Match BLOB_GETS = Match.BLOBS.method("GET");
    private static final Duration WAIT = Duration.ofSeconds(20);

    @TempDir
    static Path storage;
    @TempDir
    Path spoolDir;
    private static RegistryProcess registryA;
    private static RegistryProcess registryB;
    private static FaultProxy frontOfA;
    private static StorageBlobs.Blob blob;
    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
    private final RecordingListener listener = new RecordingListener();

    @BeforeAll
    static void startUpstreams() {
        blob = StorageBlobs.writeRandom(storage, REPO, 5, SIZE);
        registryA = RegistryProcess.builder().name("resume-a").seededFrom(storage).start();
        registryB = RegistryProcess.builder().name("resume-b").seededFrom(storage).start();
        frontOfA = FaultProxy.inFrontOf(registryA.url());
    }

    @AfterAll
    static void stopUpstreams() {
        frontOfA.close();
        registryA.close();
        registryB.close();
    }

    @BeforeEach
    void heal() {
        frontOfA.clear();
        frontOfA.resetCounters();
    }

    private RelayServer server(boolean coalescing) {
        return RelayServer.start("""
                upstreams:
                  - {name: a, url: %s, priority: 1}
                  - {name: b, url: %s, priority: 2}
                coalescing: {enabled: %s, spoolDir: %s}
                """.formatted(frontOfA.url(), registryB.url(), coalescing, spoolDir), listener);
    }

    @ParameterizedTest(name = "coalescing {0}")
    @ValueSource(booleans = {false, true})
    void aBodyThatEndsEarlyIsResumedAsTruncatedAndCreditedToBothUpstreams(boolean coalescing) throws Exception {
        frontOfA.inject(Fault.truncateAfterBytes(SIZE / 3).on(BLOB_GETS).once());
        HttpResponse<byte[]> response;
        RelayServer server = server(coalescing);
        try {
            response = done(get(server));
        } finally {
            server.close(); // waits for the request to complete, so its account is in
        }
        assertEquals(200, response.statusCode());
        assertEquals(blob.digest(), sha256(response.body()));
        assertEquals("a", response.headers().firstValue("X-Mirrorswitch-Upstream").orElseThrow(),
                "the headers went out before the break");
        assertEquals(List.of("a,b"), server.contributors);
        assertEquals(List.of("a:TRUNCATED"), listener.resumes, "an early end of the body is neither a connect failure nor corrupt");
    }

    @Test
    void everyRequestSharingAResumedFetchNamesBothUpstreams() throws Exception {
        frontOfA.inject(Fault.stallAfterBytes(SIZE / 4).on(BLOB_GETS).once());
        List<HttpResponse<byte[]>> responses;
        RelayServer server = server(true);
        try {
            CompletableFuture<HttpResponse<byte[]>> leader = get(server);
            assertTrue(frontOfA.awaitRequests(BLOB_GETS, 1, WAIT));
            CompletableFuture<HttpResponse<byte[]>> follower = get(server);
            SharedFetch fetch = server.fetches.inFlight(blob.digest()).orElseThrow();
            assertTrue(fetch.awaitReaders(2, WAIT), "both share the fetch");
            fetch.awaitReadable(SIZE / 4 - 1);

            frontOfA.clear(); // the stalled connection is reset: the fetch continues on b
            responses = List.of(done(leader), done(follower));
        } finally {
            server.close();
        }
        for (HttpResponse<byte[]> response : responses) {
            assertEquals(blob.digest(), sha256(response.body()));
        }
        assertEquals(List.of("a,b", "a,b"), server.contributors);
    }

    @Test
    void aPartialAnswerThatBreaksIsNotCountedAsResumed() throws Exception {
        // A 206 is relayed as the upstream sent it, unverified: there is nothing to resume it against.
        frontOfA.inject(Fault.truncateAfterBytes(SIZE / 3).on(BLOB_GETS).once());
        RelayServer server = server(false);
        try {
            HttpRequest ranged = HttpRequest.newBuilder(server.uri("/v2/" + REPO + "/blobs/" + blob.digest()))
                    .header("Range", "bytes=0-" + (SIZE - 2)).build();
            CompletableFuture<HttpResponse<byte[]>> response = http.sendAsync(ranged, HttpResponse.BodyHandlers.ofByteArray());
            ExecutionException cut = org.junit.jupiter.api.Assertions.assertThrows(ExecutionException.class, () -> done(response));
            assertTrue(cut.getCause() instanceof java.io.IOException, "the client sees the break: " + cut.getCause());
        } finally {
            server.close();
        }
        assertEquals(List.of(), listener.resumes);
    }

    private CompletableFuture<HttpResponse<byte[]>> get(RelayServer server) {
        return http.sendAsync(HttpRequest.newBuilder(server.uri("/v2/" + REPO + "/blobs/" + blob.digest())).build(),
                HttpResponse.BodyHandlers.ofByteArray());
    }

    private static HttpResponse<byte[]> done(CompletableFuture<HttpResponse<byte[]>> response) throws Exception {
        return response.get(WAIT.toSeconds(), TimeUnit.SECONDS);
    }

    private static String sha256(byte[] bytes) throws Exception {
        return "sha256:" + HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
    }
}
