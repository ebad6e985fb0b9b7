package io.mirrorswitch.proxy.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.mirrorswitch.config.ConfigLoader;
import io.mirrorswitch.harness.Fault;
import io.mirrorswitch.harness.FaultProxy;
import io.mirrorswitch.harness.Match;
import io.mirrorswitch.harness.OciImage;
import io.mirrorswitch.harness.PullResult;
import io.mirrorswitch.harness.RegistryProcess;
import io.mirrorswitch.harness.SeedStore;
import io.mirrorswitch.harness.SeededStorage;
import io.mirrorswitch.harness.Skopeo;
import io.mirrorswitch.harness.UpstreamRegistry;
import io.mirrorswitch.proxy.Mirrorswitch;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 6's coalescing, on real processes: two skopeo pulls of the same cold image at once through one registry:2
 * in front of mirrorswitch. registry:2 alone asks for every uncached blob twice (once for its client, once for its
 * cache), and here two clients want each blob; still, exactly one GET per blob reaches the upstream, and both
 * pulls get verified content.
 *
 * <p>The upstream link is slow on purpose: each blob takes about 1.5 s to arrive, so that the requests of both
 * pulls for a blob meet while its one fetch is in flight (as they do on any real link slower than loopback).
 */
class CoalescedPullEndToEndTest {
    private static final Duration PULL_TIMEOUT = Duration.ofSeconds(90);
    private static final Match BLOB_GETS = Match.BLOBS.method("GET");

    @Test
    void twoConcurrentColdPullsMakeOneUpstreamFetchPerBlob(@TempDir Path out) throws Exception {
        SeededStorage seed = SeedStore.shared();
        OciImage app = seed.image(SeedStore.APP);
        try (UpstreamRegistry registry = UpstreamRegistry.tokenAuth("upstream-coalesce", seed.storageDir());
             FaultProxy upstream = FaultProxy.inFrontOf(registry);
             Mirrorswitch mirrorswitch = Mirrorswitch.start(new ConfigLoader(Map.of()).parse("""
                     listen: 127.0.0.1:0
                     admin: 127.0.0.1:0
                     upstreams:
                       - {name: a, url: %s}
                     health: {interval: 1h}
                     timeouts: {minThroughput: 100B/s}
                     """.formatted(upstream.url())), false);
             RegistryProcess front = RegistryProcess.builder().name("front-coalesce")
                     .proxyOf("http://127.0.0.1:" + mirrorswitch.port()).start()) {
            for (String digest : app.blobDigests()) {
                long size = Files.size(app.blobFile(digest));
                upstream.inject(Fault.trickle(Math.max(1, size * 2 / 3)).on(BLOB_GETS.pathContains(digest)));
            }
            upstream.resetCounters();

            CompletableFuture<PullResult> one = CompletableFuture.supplyAsync(
                    () -> Skopeo.pull(front.hostPort(), SeedStore.APP, out.resolve("one"), PULL_TIMEOUT));
            CompletableFuture<PullResult> two = CompletableFuture.supplyAsync(
                    () -> Skopeo.pull(front.hostPort(), SeedStore.APP, out.resolve("two"), PULL_TIMEOUT));
            for (PullResult pulled : new PullResult[] {one.get(2, TimeUnit.MINUTES), two.get(2, TimeUnit.MINUTES)}) {
                assertEquals(app.manifestDigest(), pulled.manifestDigest());
                assertEquals(app.blobDigests(), pulled.blobDigests(), "every blob, each verified on disk by its digest");
            }

            Map<String, Integer> getsPerBlob = new LinkedHashMap<>();
            for (String digest : app.blobDigests()) {
                getsPerBlob.put(digest, upstream.requestCount(BLOB_GETS.pathContains(digest)));
            }
            assertTrue(getsPerBlob.values().stream().allMatch(n -> n == 1),
                    "one upstream GET per blob, for 2 clients x 2 registry:2 GETs each: " + getsPerBlob
                            + "\n" + upstream.requests());
        }
    }
}
