package io.mirrorswitch.proxy.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.mirrorswitch.config.ConfigLoader;
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
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The main job on real processes: skopeo → registry:2 (Debian's docker-registry, proxy mode) → mirrorswitch →
 * upstreams A and B (token auth with different realms, services and signing keys) and C (anonymous). Upstream A
 * goes down while registry:2 keeps running; the next pull arrives from B without any restart.
 */
class EndToEndPullTest {
    private static final Duration PULL_TIMEOUT = Duration.ofSeconds(60);
    private static final String APP_SCOPE = "repository:team/app:pull";

    @Test
    void pullsThroughRegistry2AndSurvivesAnUpstreamSwitch(@TempDir Path out) throws Exception {
        SeededStorage seed = SeedStore.shared();
        try (UpstreamRegistry a = UpstreamRegistry.tokenAuth("upstream-a", seed.storageDir());
             UpstreamRegistry b = UpstreamRegistry.tokenAuth("upstream-b", seed.storageDir());
             UpstreamRegistry c = UpstreamRegistry.anonymous(seed.storageDir());
             Mirrorswitch mirrorswitch = Mirrorswitch.start(new ConfigLoader(Map.of()).parse("""
                     listen: 127.0.0.1:0
                     admin: 127.0.0.1:0
                     upstreams:
                       - {name: a, url: %s, priority: 1}
                       - {name: b, url: %s, priority: 2}
                       - {name: c, url: %s, priority: 3}
                     """.formatted(a.url(), b.url(), c.url())));
             RegistryProcess front = RegistryProcess.builder().name("front")
                     .proxyOf("http://127.0.0.1:" + mirrorswitch.port()).start()) {

            // Health probes ask every upstream for library/alpine; the pulls use other names, so the token
            // scopes each issuer saw tell which upstream served which pull. The first pull waits until the
            // board made its first choice (A, by priority).
            new AdminStatus(mirrorswitch.adminPort()).await(AdminStatus.active("a"), Duration.ofSeconds(10), "a is active");
            OciImage app = seed.image(SeedStore.APP);
            PullResult first = Skopeo.pull(front.hostPort(), SeedStore.APP, out.resolve("app"), PULL_TIMEOUT);
            assertEquals(app.manifestDigest(), first.manifestDigest());
            assertEquals(app.blobDigests().size(), first.blobDigests().size());
            assertTrue(a.issuer().requestedScopes().contains(APP_SCOPE), "A, the priority-1 upstream, served the first pull");
            assertFalse(b.issuer().requestedScopes().contains(APP_SCOPE), "B was not needed while A was up");

            long frontPid = front.pid();
            a.stop();

            OciImage busybox = seed.image(SeedStore.BUSYBOX);
            PullResult second = Skopeo.pull(front.hostPort(), SeedStore.BUSYBOX, out.resolve("busybox"), PULL_TIMEOUT);
            assertEquals(busybox.manifestDigest(), second.manifestDigest());
            assertTrue(b.issuer().requestedScopes().contains("repository:library/busybox:pull"),
                    "B, with its own realm and key, served the pull after A stopped");
            assertEquals(frontPid, front.pid(), "registry:2 was never restarted");
            assertTrue(front.isRunning());
        }
    }
}
