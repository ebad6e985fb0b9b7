package io.mirrorswitch.harness;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** skopeo pulls straight from a seeded anonymous upstream, and its failures surface clearly. */
class SkopeoPullTest {

    private static final Duration TIMEOUT = Duration.ofSeconds(30);
    private static SeededStorage seed;
    private static UpstreamRegistry upstream;

    @TempDir
    Path tmp;

    @BeforeAll
    static void startUpstream() {
        seed = SeedStore.shared();
        upstream = UpstreamRegistry.anonymous(seed.storageDir());
    }

    @AfterAll
    static void stopUpstream() {
        upstream.close();
    }

    @Test
    void pullsEverySeededImageWithTheDigestsItWasBuiltWith() {
        for (String reference : seed.images().keySet()) {
            OciImage image = seed.image(reference);
            PullResult result = Skopeo.pull(upstream.hostPort(), reference, tmp.resolve(image.tag() + image.seed()),
                    TIMEOUT);
            assertEquals(image.manifestDigest(), result.manifestDigest(), reference);
            assertEquals(image.blobDigests(), result.blobDigests(), reference);
        }
    }

    @Test
    void inspectDigestMatchesTheBuiltManifest() {
        assertEquals(seed.image(SeedStore.APP).manifestDigest(),
                Skopeo.inspectDigest(upstream.hostPort(), SeedStore.APP, TIMEOUT));
    }

    @Test
    void unknownTagFailsWithSkopeosErrorInTheMessage() {
        HarnessException failure = assertThrows(HarnessException.class,
                () -> Skopeo.pull(upstream.hostPort(), "library/alpine:no-such-tag", tmp.resolve("out"), TIMEOUT));
        assertTrue(failure.getMessage().contains("manifest unknown"), failure.getMessage());
    }

    @Test
    void aServerThatNeverAnswersIsCutOffAtTheTimeout() throws IOException {
        try (ServerSocket silent = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
             SilentAcceptor acceptor = new SilentAcceptor(silent)) {
            Instant started = Instant.now();
            HarnessException failure = assertThrows(HarnessException.class, () -> Skopeo.pull(
                    "127.0.0.1:" + silent.getLocalPort(), "library/alpine:3.19", tmp.resolve("out"),
                    Duration.ofSeconds(1)));
            assertTrue(failure.getMessage().contains("timed out"), failure.getMessage());
            assertTrue(Duration.between(started, Instant.now()).compareTo(Duration.ofSeconds(10)) < 0);
        }
    }

    @Test
    void verificationCatchesABlobThatDoesNotHashToItsName() throws IOException {
        OciImage busybox = seed.image(SeedStore.BUSYBOX);
        Path out = tmp.resolve("busybox");
        Skopeo.pull(upstream.hostPort(), SeedStore.BUSYBOX, out, TIMEOUT);
        Path layer = out.resolve(Sha256.hexOf(busybox.layerDigests().get(0)));
        byte[] bytes = Files.readAllBytes(layer);
        bytes[bytes.length / 2] ^= 1;
        Files.write(layer, bytes);

        HarnessException failure = assertThrows(HarnessException.class,
                () -> PulledImageVerifier.verify(out, Duration.ZERO));
        assertTrue(failure.getMessage().contains(layer.toString()), failure.getMessage());
    }

    /** Accepts connections and never writes a byte, like a stalled mirror. */
    private static final class SilentAcceptor implements AutoCloseable {
        private final Thread thread;

        SilentAcceptor(ServerSocket server) {
            thread = new Thread(() -> {
                try {
                    while (true) {
                        Socket ignored = server.accept(); // held open, never answered
                    }
                } catch (IOException closed) {
                    // server socket closed: test over
                }
            }, "silent-acceptor");
            thread.setDaemon(true);
            thread.start();
        }

        @Override
        public void close() {
            thread.interrupt();
        }
    }
}
