package io.mirrorswitch.proxy.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.mirrorswitch.config.ConfigLoader;
import io.mirrorswitch.harness.Fault;
import io.mirrorswitch.harness.FaultProxy;
import io.mirrorswitch.harness.Match;
import io.mirrorswitch.harness.RegistryProcess;
import io.mirrorswitch.harness.StorageBlobs;
import io.mirrorswitch.proxy.Mirrorswitch;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A 512 MB blob whose mirror stalls half way arrives complete and correct in one response, continued from the
 * other mirror at the byte where the first stopped. The surefire JVM runs with a heap far smaller than the blob
 * (see proxy/pom.xml), so any buffering of the body would fail this test: memory per request is fixed.
 */
class LargeBlobResumeTest {
    private static final long SIZE = 512L * 1024 * 1024;
    private static final String REPO = "big/blob";

    @Test
    void stallAtHalfWayIsResumedOnTheOtherMirror(@TempDir Path dir) throws Exception {
        Path storage = dir.resolve("storage");
        StorageBlobs.Blob blob = StorageBlobs.writeRandom(storage, REPO, 7, SIZE);
        try (RegistryProcess a = RegistryProcess.builder().name("big-a").seededFrom(storage).start();
             RegistryProcess b = RegistryProcess.builder().name("big-b").seededFrom(storage).start();
             FaultProxy frontOfA = FaultProxy.inFrontOf(a.url());
             FaultProxy frontOfB = FaultProxy.inFrontOf(b.url());
             Mirrorswitch mirrorswitch = Mirrorswitch.start(new ConfigLoader(Map.of()).parse("""
                     listen: 127.0.0.1:0
                     admin: 127.0.0.1:0
                     upstreams:
                       - {name: a, url: %s, priority: 1}
                       - {name: b, url: %s, priority: 2}
                     timeouts: {idle: 1s}
                     """.formatted(frontOfA.url(), frontOfB.url())), false)) {
            frontOfA.inject(Fault.stallAfterBytes(SIZE / 2).on(Match.BLOBS.method("GET")).once());

            HttpClient http = HttpClient.newHttpClient();
            String base = "http://127.0.0.1:" + mirrorswitch.port();
            String token = new ObjectMapper().readTree(http.send(HttpRequest.newBuilder(
                    URI.create(base + "/token?service=mirrorswitch&scope=repository:" + REPO + ":pull")).build(),
                    HttpResponse.BodyHandlers.ofString()).body()).path("token").asText();
            HttpResponse<InputStream> response = http.send(HttpRequest.newBuilder(
                            URI.create(base + "/v2/" + REPO + "/blobs/" + blob.digest()))
                    .header("Authorization", "Bearer " + token).build(), HttpResponse.BodyHandlers.ofInputStream());

            assertEquals(200, response.statusCode());
            assertEquals(SIZE, response.headers().firstValueAsLong("Content-Length").orElseThrow());
            MessageDigest sha256 = MessageDigest.getInstance("SHA-256");
            long received = 0;
            try (InputStream body = response.body()) {
                byte[] buffer = new byte[1 << 16];
                for (int n; (n = body.read(buffer)) != -1; received += n) {
                    sha256.update(buffer, 0, n);
                }
            }
            assertEquals(SIZE, received);
            assertEquals(blob.digest(), "sha256:" + HexFormat.of().formatHex(sha256.digest()));
            assertEquals(SIZE / 2, frontOfA.bodyBytesFromTarget(), "a stalled half way");
            assertTrue(frontOfB.bodyBytesFromTarget() <= SIZE / 2 + (1 << 20),
                    "b sent only the rest (" + frontOfB.bodyBytesFromTarget() + " bytes), not the whole blob again");
        }
    }
}
