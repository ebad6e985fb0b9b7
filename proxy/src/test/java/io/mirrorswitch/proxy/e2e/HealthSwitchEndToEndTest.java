package io.mirrorswitch.proxy.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.mirrorswitch.config.ConfigLoader;
import io.mirrorswitch.harness.RegistryProcess;
import io.mirrorswitch.harness.SeedStore;
import io.mirrorswitch.harness.SeededStorage;
import io.mirrorswitch.harness.Skopeo;
import io.mirrorswitch.harness.UpstreamRegistry;
import io.mirrorswitch.proxy.Mirrorswitch;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Active health checks on real processes: the active upstream goes down while registry:2 and mirrorswitch
 * run; /status names another active within interval + 2 s and pulls keep working; when it comes back it is
 * active again, but only after it stayed healthy for failbackAfter.
 */
class HealthSwitchEndToEndTest {
    private static final Duration INTERVAL = Duration.ofSeconds(1);
    private static final Duration FAILBACK_AFTER = Duration.ofSeconds(3);

    @Test
    void switchesAwayFromADeadUpstreamAndFailsBackCalmly(@TempDir Path out) throws Exception {
        SeededStorage seed = SeedStore.shared();
        try (UpstreamRegistry a = UpstreamRegistry.tokenAuth("upstream-a", seed.storageDir());
             UpstreamRegistry b = UpstreamRegistry.tokenAuth("upstream-b", seed.storageDir());
             Mirrorswitch mirrorswitch = Mirrorswitch.start(new ConfigLoader(Map.of()).parse("""
                     listen: 127.0.0.1:0
                     admin: 127.0.0.1:0
                     upstreams:
                       - {name: a, url: %s, priority: 1}
                       - {name: b, url: %s, priority: 2}
                     health: {interval: %dms, rise: 2, fall: 2, timeout: 5s, slowAfter: 2s}
                     selection: {policy: priority, failbackAfter: %dms}
                     """.formatted(a.url(), b.url(), INTERVAL.toMillis(), FAILBACK_AFTER.toMillis())));
             RegistryProcess front = RegistryProcess.builder().name("front")
                     .proxyOf("http://127.0.0.1:" + mirrorswitch.port()).start()) {
            AdminStatus status = new AdminStatus(mirrorswitch.adminPort());
            status.await(AdminStatus.active("a"), Duration.ofSeconds(10), "a, the priority-1 upstream, is active");

            a.stop();
            Instant stopped = Instant.now();
            JsonNode switched = status.await(AdminStatus.active("b"), INTERVAL.plus(Duration.ofSeconds(2)),
                    "b becomes active after a stopped");
            assertTrue(switched.path("reason").asText().contains("a"), switched.path("reason").asText());
            assertEquals("a", switched.path("history").path(switched.path("history").size() - 1).path("from").asText());
            Skopeo.pull(front.hostPort(), SeedStore.BUSYBOX, out.resolve("busybox"), Duration.ofSeconds(60));

            a.start();
            JsonNode aHealthy = status.await(s -> upstream(s, "a").path("healthy").asBoolean(), Duration.ofSeconds(10),
                    "a is healthy again after it restarted");
            Instant healthySince = Instant.parse(upstream(aHealthy, "a").path("healthySince").asText());
            JsonNode back = status.await(AdminStatus.active("a"), FAILBACK_AFTER.plus(Duration.ofSeconds(5)),
                    "a is active again after failbackAfter");
            Instant since = Instant.parse(back.path("since").asText());
            assertTrue(!since.isBefore(healthySince.plus(FAILBACK_AFTER)),
                    "failback waited failbackAfter: healthy since " + healthySince + ", active since " + since);
            assertTrue(since.isAfter(stopped));
            Skopeo.pull(front.hostPort(), SeedStore.APP, out.resolve("app"), Duration.ofSeconds(60));
        }
    }

    private static JsonNode upstream(JsonNode status, String name) {
        for (JsonNode u : status.path("upstreams")) {
            if (name.equals(u.path("name").asText())) {
                return u;
            }
        }
        throw new AssertionError("no upstream " + name + " in " + status);
    }
}
