package io.mirrorswitch.proxy.metrics;

import static io.mirrorswitch.proxy.metrics.PrometheusText.sample;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.mirrorswitch.config.ConfigLoader;
import io.mirrorswitch.config.MirrorswitchConfig;
import io.mirrorswitch.health.HealthBoard;
import io.mirrorswitch.health.Outcome;
import io.mirrorswitch.health.ProbeEvidence;
import io.mirrorswitch.health.ProbeResult;
import io.mirrorswitch.health.TrafficFault;
import io.mirrorswitch.health.UpstreamProbe;
import io.mirrorswitch.proxy.route.RouteKind;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The metric names, labels and values of {@link Metrics}, fed directly (no server, no clock but a fixed one). */
class MetricsTest {
    private static final Instant T0 = Instant.parse("2026-01-01T00:00:00Z");
    private final MirrorswitchConfig config = new ConfigLoader(Map.of()).parse("""
            upstreams:
              - {name: a, url: http://a.example, priority: 1}
              - {name: b, url: http://b.example, priority: 2}
            health: {rise: 1, fall: 1}
            """);
    private final HealthBoard board = new HealthBoard(config.upstreams(), config.health(), config.selection(),
            Clock.fixed(T0, ZoneOffset.UTC));
    private final Metrics metrics = new Metrics(board::snapshot);

    {
        board.addSwitchListener(metrics.switches());
    }

    @AfterEach
    void close() {
        metrics.close();
    }

    @Test
    void upstreamGaugesFollowTheBoardAndSwitchesAreCounted() {
        board.recordProbe(new ProbeResult("a", Outcome.OK, T0, Duration.ofMillis(250), Duration.ofMillis(400), 4096,
                2048, Optional.empty(), "ok", ProbeEvidence.NONE));
        board.recordProbe(ProbeResult.failed("b", Outcome.THROTTLED, T0, Duration.ofMillis(30), "429", ProbeEvidence.NONE));
        String text = metrics.scrape();

        assertEquals(Optional.of(1.0), sample(text, "mirrorswitch_upstream_up", "upstream", "a"));
        assertEquals(Optional.of(0.0), sample(text, "mirrorswitch_upstream_up", "upstream", "b"));
        assertEquals(Optional.of(1.0), sample(text, "mirrorswitch_upstream_active", "upstream", "a"));
        assertEquals(Optional.of(0.0), sample(text, "mirrorswitch_upstream_active", "upstream", "b"));
        assertEquals(Optional.of(1.0), sample(text, "mirrorswitch_upstream_state", "upstream", "b", "state", "throttled"));
        assertEquals(Optional.of(0.0), sample(text, "mirrorswitch_upstream_state", "upstream", "b", "state", "ok"));
        assertEquals(Optional.of(0.25), sample(text, "mirrorswitch_upstream_latency_seconds", "upstream", "a"));
        assertEquals(Optional.of(2048.0), sample(text, "mirrorswitch_upstream_throughput_bytes_per_second", "upstream", "a"));
        assertEquals(Optional.empty(), sample(text, "mirrorswitch_upstream_latency_seconds", "upstream", "b"),
                "no latency is shown before one was measured");
        assertEquals(Optional.of(1.0), sample(text, "mirrorswitch_switches_total", "from", "none", "to", "a"));

        board.replaceUpstreams(config.upstreams().subList(1, 2), config.health(), config.selection());
        String afterReload = metrics.scrape();
        assertEquals(Optional.empty(), sample(afterReload, "mirrorswitch_upstream_up", "upstream", "a"),
                "an upstream removed by a reload leaves the gauges");
        assertEquals(Optional.of(0.0), sample(afterReload, "mirrorswitch_upstream_up", "upstream", "b"));
    }

    @Test
    void probeRoundsAreCountedByOutcomeWithTheirDuration() {
        UpstreamProbe fake = (client, deep) -> ProbeResult.failed("a", Outcome.AUTH_WALL, T0, Duration.ofMillis(1500),
                "token endpoint 401: login required", ProbeEvidence.NONE);
        UpstreamProbe metered = metrics.probes().metered(fake);
        metered.probe(null, true);
        metered.probe(null, true);
        String text = metrics.scrape();

        assertEquals(Optional.of(2.0), sample(text, "mirrorswitch_probes_total", "upstream", "a", "outcome", "auth_wall"));
        assertEquals(Optional.of(2.0), sample(text, "mirrorswitch_probe_duration_seconds_count", "upstream", "a"));
        assertEquals(Optional.of(3.0), sample(text, "mirrorswitch_probe_duration_seconds_sum", "upstream", "a"));
        assertEquals(Optional.of(0.0), sample(text, "mirrorswitch_probe_duration_seconds_bucket", "upstream", "a", "le", "1.0"));
        assertEquals(Optional.of(2.0), sample(text, "mirrorswitch_probe_duration_seconds_bucket", "upstream", "a", "le", "2.5"));
    }

    @Test
    void requestPathCountersFollowPrometheusConventions() {
        metrics.requests().completed("blob", 200, "a", 1000, Duration.ofMillis(30).toNanos());
        metrics.requests().completed("blob", 206, "a", 500, Duration.ofMillis(70).toNanos());
        metrics.requests().completed("token", 200, "-", 300, Duration.ofMillis(1).toNanos());
        metrics.requests().completed("manifest", 503, null, 0, Duration.ofSeconds(2).toNanos());
        metrics.relay().failover(RouteKind.MANIFEST, "a", TrafficFault.SERVER_ERROR);
        metrics.relay().resumed("b", TrafficFault.STALLED);
        metrics.relay().digestMismatch(RouteKind.BLOB, "b");
        metrics.tokenCache().miss("a");
        metrics.tokenCache().hit("a");
        metrics.tokenCache().hit("a");
        metrics.reloads().record("refused");
        String text = metrics.scrape();

        assertEquals(Optional.of(2.0), sample(text, "mirrorswitch_requests_total", "route", "blob", "status", "2xx", "upstream", "a"));
        assertEquals(Optional.of(1.0), sample(text, "mirrorswitch_requests_total", "route", "token", "status", "2xx", "upstream", "none"));
        assertEquals(Optional.of(1.0), sample(text, "mirrorswitch_requests_total", "route", "manifest", "status", "5xx", "upstream", "none"));
        assertEquals(Optional.of(1500.0), sample(text, "mirrorswitch_response_bytes_total", "route", "blob", "upstream", "a"));
        assertEquals(Optional.of(1.0), sample(text, "mirrorswitch_request_duration_seconds_bucket", "route", "blob", "status", "2xx", "le", "0.05"));
        assertEquals(Optional.of(2.0), sample(text, "mirrorswitch_request_duration_seconds_bucket", "route", "blob", "status", "2xx", "le", "0.1"));
        assertEquals(Optional.of(1.0), sample(text, "mirrorswitch_failovers_total", "route", "manifest", "upstream", "a", "reason", "server_error"));
        assertEquals(Optional.of(1.0), sample(text, "mirrorswitch_resumes_total", "upstream", "b", "reason", "stalled"));
        assertEquals(Optional.of(1.0), sample(text, "mirrorswitch_digest_mismatches_total", "route", "blob", "upstream", "b"));
        assertEquals(Optional.of(1.0), sample(text, "mirrorswitch_token_cache_misses_total", "upstream", "a"));
        assertEquals(Optional.of(2.0), sample(text, "mirrorswitch_token_cache_hits_total", "upstream", "a"));
        assertEquals(Optional.of(1.0), sample(text, "mirrorswitch_config_reloads_total", "result", "refused"));
        assertEquals(Optional.of(0.0), sample(text, "mirrorswitch_config_last_reload_ok"));
        assertTrue(text.contains("# TYPE mirrorswitch_request_duration_seconds histogram"), text);
        assertTrue(text.contains("# TYPE mirrorswitch_requests_total counter"), text);
    }

    @Test
    void jvmAndProcessBasicsAreThere() {
        String text = metrics.scrape();
        for (String name : new String[] {"jvm_memory_used_bytes", "jvm_threads_live_threads", "jvm_gc_memory_allocated_bytes_total",
                "process_uptime_seconds", "process_cpu_usage", "process_files_open_files", "system_cpu_count"}) {
            assertTrue(Pattern.compile("^" + name + "[{ ]", Pattern.MULTILINE).matcher(text).find(), name + " missing");
        }
        assertFalse(text.contains("mirrorswitch_mirrorswitch"), "the prefix appears once");
    }
}
