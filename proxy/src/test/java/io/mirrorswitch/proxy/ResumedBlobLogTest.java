package io.mirrorswitch.proxy;

import static io.mirrorswitch.proxy.metrics.PrometheusText.sample;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.mirrorswitch.harness.Fault;
import io.mirrorswitch.harness.FaultProxy;
import io.mirrorswitch.harness.Match;
import io.mirrorswitch.harness.RegistryProcess;
import io.mirrorswitch.harness.StorageBlobs;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.HexFormat;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What an operator sees of a blob whose first mirror closed the connection half way and which was continued on the
 * second: the access log line names both mirrors in order, and the resume is counted as {@code truncated} for the
 * first. Real registries; the first behind a fault proxy.
 */
class ResumedBlobLogTest {
    private static final long SIZE = 2L << 20;
    private static final String REPO = "big/blob";

    @Test
    void theAccessLogNamesEveryUpstreamThatSentBytes(@TempDir Path dir) throws Exception {
        StorageBlobs.Blob blob = StorageBlobs.writeRandom(dir, REPO, 9, SIZE);
        try (RegistryProcess a = RegistryProcess.builder().name("log-a").seededFrom(dir).start();
             RegistryProcess b = RegistryProcess.builder().name("log-b").seededFrom(dir).start();
             FaultProxy frontOfA = FaultProxy.inFrontOf(a.url());
             CapturedLog log = new CapturedLog();
             Sidecar sidecar = Sidecar.start("{name: a, url: '" + frontOfA.url() + "', priority: 1}",
                     "{name: b, url: '" + b.url() + "', priority: 2}")) {
            frontOfA.inject(Fault.truncateAfterBytes(SIZE / 2).on(Match.BLOBS.method("GET")).once());
            String path = "/v2/" + REPO + "/blobs/" + blob.digest();

            var response = sidecar.pull("GET", path);

            assertEquals(200, response.statusCode());
            assertEquals(blob.digest(), "sha256:" + HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(response.body())));
            String line = log.await(l -> l.contains("access - GET " + path + " "), Duration.ofSeconds(10));
            assertTrue(line.contains(" upstream=a,b "), line);
            String metrics = new AdminClient(sidecar.server.adminPort()).get("/metrics").body();
            assertEquals(Optional.of(1.0), sample(metrics, "mirrorswitch_resumes_total", "upstream", "a", "reason", "truncated"), metrics);
        }
    }

    @Test
    void aResumeOnAMirrorWithoutTheBlobSaysSo(@TempDir Path dir) throws Exception {
        StorageBlobs.Blob blob = StorageBlobs.writeRandom(dir, REPO, 10, SIZE);
        try (RegistryProcess a = RegistryProcess.builder().name("log-has-it").seededFrom(dir).start();
             RegistryProcess b = RegistryProcess.builder().name("log-lacks-it").start();
             FaultProxy frontOfA = FaultProxy.inFrontOf(a.url());
             CapturedLog log = new CapturedLog();
             Sidecar sidecar = Sidecar.start("{name: a, url: '" + frontOfA.url() + "', priority: 1}",
                     "{name: b, url: '" + b.url() + "', priority: 2}")) {
            frontOfA.inject(Fault.truncateAfterBytes(SIZE / 2).on(Match.BLOBS.method("GET")).once());
            String path = "/v2/" + REPO + "/blobs/" + blob.digest();

            var response = sidecar.pull("GET", path);

            assertEquals(200, response.statusCode(), "resumed on a itself once b had nothing");
            String line = log.await(l -> l.contains("b cannot resume GET " + path), Duration.ofSeconds(10));
            assertTrue(line.endsWith("at byte " + SIZE / 2 + ": answered 404: it does not have the blob"), line);
        }
    }
}
