package io.mirrorswitch.proxy;

import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.mirrorswitch.config.ConfigLoader;
import io.mirrorswitch.harness.Fault;
import io.mirrorswitch.harness.FaultProxy;
import io.mirrorswitch.harness.Match;
import io.mirrorswitch.harness.RegistryProcess;
import io.mirrorswitch.harness.StorageBlobs;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * {@code close()} returns within a bound while a client has stopped reading a blob mid-body. The client alone never
 * held it (first case): shutting Undertow's XNIO worker down closes the connection, which fails the blocked write at
 * once. What held it was a request thread blocked on the upstream (headers or body bytes that do not come) for as
 * long as {@code timeouts.firstByte} or {@code idle} allow per try, here an hour (last case). With coalescing the
 * thread blocked on the upstream is a shared fetch's producer, which Undertow never waited for, but which the close
 * now cuts too.
 */
class BoundedCloseTest {
    private static final long SIZE = 32L << 20;
    private static final String REPO = "big/blob";
    /** Far below the 1 h timeouts, far above what the close takes. */
    private static final Duration BOUND = Duration.ofSeconds(20);

    @TempDir
    static Path storage;
    private static StorageBlobs.Blob blob;
    private static RegistryProcess registry;
    private static FaultProxy upstream;

    @BeforeAll
    static void startUpstream() {
        blob = StorageBlobs.writeRandom(storage, REPO, 11, SIZE);
        registry = RegistryProcess.builder().name("bounded-close").seededFrom(storage).start();
        upstream = FaultProxy.inFrontOf(registry.url());
    }

    @AfterAll
    static void stopUpstream() {
        upstream.close();
        registry.close();
    }

    @ParameterizedTest(name = "upstream stalls: {0}, coalescing: {1}")
    @CsvSource({"false, true", "true, true", "true, false"})
    void closeReturnsWhileAClientStopsReadingMidBody(boolean upstreamStalls, boolean coalescing) throws Exception {
        upstream.clear();
        if (upstreamStalls) {
            upstream.inject(Fault.stallAfterBytes(1 << 20).on(Match.BLOBS.method("GET")).once());
        }
        Mirrorswitch mirrorswitch = Mirrorswitch.start(new ConfigLoader(Map.of()).parse("""
                listen: 127.0.0.1:0
                admin: 127.0.0.1:0
                upstreams:
                  - {name: a, url: %s}
                timeouts: {firstByte: 1h, idle: 1h}
                coalescing: {enabled: %s}
                """.formatted(upstream.url(), coalescing)), false);
        String token = Sidecar.JSON.readTree(tokenAnswer(mirrorswitch)).path("token").asText();
        try (Socket client = new Socket()) {
            client.setReceiveBufferSize(16 * 1024);
            client.connect(new InetSocketAddress("127.0.0.1", mirrorswitch.port()));
            OutputStream out = client.getOutputStream();
            out.write(("GET /v2/" + REPO + "/blobs/" + blob.digest() + " HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer "
                    + token + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
            out.flush();
            // Read the head and the first half MiB, then stop reading (the stall, if any, comes at 1 MiB).
            InputStream in = client.getInputStream();
            byte[] buffer = new byte[64 * 1024];
            long read = 0;
            while (read < 512 * 1024) {
                int n = in.read(buffer);
                assertTrue(n > 0, "the body started");
                read += n;
            }

            assertTimeoutPreemptively(BOUND, mirrorswitch::close, "close() waited on a request");
        }
    }

    private static String tokenAnswer(Mirrorswitch mirrorswitch) throws Exception {
        try (Socket socket = new Socket("127.0.0.1", mirrorswitch.port())) {
            socket.getOutputStream().write(("GET /token?scope=repository:" + REPO + ":pull HTTP/1.1\r\nHost: x\r\n"
                    + "Connection: close\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
            String response = new String(socket.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            return response.substring(response.indexOf("\r\n\r\n") + 4);
        }
    }
}
