package io.mirrorswitch.proxy.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.mirrorswitch.config.ConfigLoader;
import io.mirrorswitch.harness.Fault;
import io.mirrorswitch.harness.FaultProxy;
import io.mirrorswitch.harness.HarnessException;
import io.mirrorswitch.harness.Match;
import io.mirrorswitch.harness.OciImage;
import io.mirrorswitch.harness.PullResult;
import io.mirrorswitch.harness.RegistryProcess;
import io.mirrorswitch.harness.SeedStore;
import io.mirrorswitch.harness.SeededStorage;
import io.mirrorswitch.harness.Skopeo;
import io.mirrorswitch.harness.UpstreamRegistry;
import io.mirrorswitch.proxy.Mirrorswitch;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.function.Consumer;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every fault of issue 4 on the selected upstream, through real registry:2 and skopeo: the pull succeeds with
 * verified digests within a bound, and a second pull served from registry:2's cache is still correct (nothing
 * corrupt was cached). Upstream A sits behind a fault-injecting proxy; B is a healthy mirror with its own realm.
 * Background probes run once at start (A must be active) and then stay out of the way: only the request path acts.
 */
class FaultEndToEndTest {
    private static final Duration BOUND = Duration.ofSeconds(30);
    private static SeededStorage seed;
    private static UpstreamRegistry a;
    private static UpstreamRegistry b;
    private static FaultProxy faultyA;

    record Case(String name, Consumer<FaultProxy> inject, boolean withB, boolean clientRetries) {
        @Override
        public String toString() {
            return name;
        }
    }

    static Stream<Case> faults() {
        int layer = 40_000; // the seeded layers are about 49 KB: these offsets lie well inside them
        return Stream.of(
                new Case("connection refused", FaultProxy::refuse, true, false),
                new Case("connection reset", p -> p.inject(Fault.reset().on(Match.ANY)), true, false),
                new Case("accepts and never answers", p -> p.inject(Fault.blackhole().on(Match.MANIFESTS)), true, false),
                new Case("429 with JSON", p -> p.inject(Fault.tooManyRequests(3600).on(Match.ANY)), true, false),
                new Case("429 with HTML", p -> p.inject(Fault.status(429).html("<html>slow down</html>").on(Match.ANY)), true, false),
                new Case("503 with JSON", p -> p.inject(Fault.status(503).on(Match.ANY)), true, false),
                new Case("500 with HTML", p -> p.inject(Fault.status(500).html("<html>oops</html>").on(Match.BLOBS)), true, false),
                new Case("403 with HTML (region)", p -> p.inject(Fault.status(403).html("<html>not in your country</html>").on(Match.ANY)), true, false),
                new Case("200 HTML page for a manifest", p -> p.inject(Fault.status(200).html("<html>captive portal</html>").on(Match.MANIFESTS)), true, false),
                new Case("login wall", p -> a.issuer().loginWall(true), true, false),
                new Case("stall mid-blob, resumed", p -> p.inject(Fault.stallAfterBytes(layer / 2).on(Match.BLOBS.method("GET")).once()), true, false),
                new Case("truncated blob, resumed", p -> p.inject(Fault.truncateAfterBytes(layer / 3).on(Match.BLOBS.method("GET")).once()), true, false),
                new Case("trickle below minThroughput", p -> p.inject(Fault.trickle(2_000).on(Match.BLOBS.method("GET"))), true, false),
                new Case("manifest bytes not matching their digest", p -> p.inject(Fault.replaceBody("{\"schemaVersion\":2}".getBytes()).on(Match.MANIFESTS.method("GET"))), true, false),
                new Case("stall, only mirror ignores Range", p -> {
                    p.inject(Fault.ignoreRange().on(Match.BLOBS));
                    p.inject(Fault.stallAfterBytes(layer / 2).on(Match.BLOBS.method("GET")).once());
                }, false, false),
                // A flipped byte is only known once the whole blob went by: the download is cut abruptly, the client
                // retries, and the retry is served elsewhere because A was ejected as corrupt.
                new Case("flipped byte in a blob", p -> p.inject(Fault.flipByteAt(1234).on(Match.BLOBS.method("GET"))), true, true));
    }

    @BeforeAll
    static void upstreams() {
        seed = SeedStore.shared();
        a = UpstreamRegistry.tokenAuth("upstream-a", seed.storageDir());
        b = UpstreamRegistry.tokenAuth("upstream-b", seed.storageDir());
        faultyA = FaultProxy.inFrontOf(a);
    }

    @AfterAll
    static void stop() {
        faultyA.close();
        a.close();
        b.close();
    }

    @AfterEach
    void heal() {
        faultyA.clear();
        if (faultyA.isRefusing()) {
            faultyA.resume();
        }
        a.issuer().loginWall(false);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("faults")
    void pullSucceedsWithVerifiedContent(Case fault, @TempDir Path out) throws Exception {
        String upstreams = "  - {name: a, url: " + faultyA.url() + ", priority: 1}\n"
                + (fault.withB() ? "  - {name: b, url: " + b.url() + ", priority: 2}\n" : "");
        try (Mirrorswitch mirrorswitch = Mirrorswitch.start(new ConfigLoader(Map.of()).parse("""
                     listen: 127.0.0.1:0
                     admin: 127.0.0.1:0
                     upstreams:
                     %s
                     health: {interval: 1h, timeout: 10s}
                     timeouts: {connect: 1s, firstByte: 2s, idle: 2s, minThroughput: 64KiB/s, throughputWindow: 2s}
                     """.formatted(upstreams.stripTrailing())));
             RegistryProcess front = RegistryProcess.builder().name("front")
                     .proxyOf("http://127.0.0.1:" + mirrorswitch.port()).start()) {
            new AdminStatus(mirrorswitch.adminPort()).await(AdminStatus.active("a"), Duration.ofSeconds(10), "a is active");
            fault.inject().accept(faultyA);

            OciImage app = seed.image(SeedStore.APP);
            long started = System.nanoTime();
            PullResult pulled = pull(front, out.resolve("first"), fault.clientRetries());
            Duration took = Duration.ofNanos(System.nanoTime() - started);
            assertEquals(app.manifestDigest(), pulled.manifestDigest());
            assertEquals(app.blobDigests().size(), pulled.blobDigests().size());
            assertTrue(took.compareTo(BOUND) < 0, fault + " took " + took);

            PullResult cached = Skopeo.pull(front.hostPort(), SeedStore.APP, out.resolve("cached"), BOUND);
            assertEquals(app.manifestDigest(), cached.manifestDigest(), "registry:2's cache holds the right manifest");
        }
    }

    private static PullResult pull(RegistryProcess front, Path dir, boolean clientRetries) {
        try {
            return Skopeo.pull(front.hostPort(), SeedStore.APP, dir, BOUND);
        } catch (HarnessException e) {
            if (!clientRetries) {
                throw e;
            }
            return Skopeo.pull(front.hostPort(), SeedStore.APP, dir.resolveSibling(dir.getFileName() + "-retry"), BOUND);
        }
    }
}
