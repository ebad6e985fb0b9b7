package io.mirrorswitch.proxy;

import static com.github.tomakehurst.wiremock.client.WireMock.absent;
import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static io.mirrorswitch.proxy.metrics.PrometheusText.sample;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.github.tomakehurst.wiremock.junit5.WireMockExtension;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The admin port over HTTP: every endpoint, and /metrics counting real requests through the registry port. */
class AdminEndpointsTest {
    private static final String MANIFEST = "/v2/library/alpine/manifests/3.19";
    private static final String BODY = "{\"schemaVersion\":2,\"from\":\"second\"}";

    @RegisterExtension
    static WireMockExtension first = WireMocks.upstream();
    @RegisterExtension
    static WireMockExtension second = WireMocks.upstream();

    /** second wants a Bearer token from its own realm, as public registries do. */
    private static void secondServesWithToken() {
        second.stubFor(get(urlPathEqualTo(MANIFEST)).atPriority(10).withHeader("Authorization", absent())
                .willReturn(aResponse().withStatus(401).withHeader("WWW-Authenticate",
                        "Bearer realm=\"" + WireMocks.origin(second) + "/token\",service=\"up\"")));
        second.stubFor(get(urlPathEqualTo(MANIFEST)).atPriority(1).withHeader("Authorization", equalTo("Bearer t1"))
                .willReturn(aResponse().withStatus(200).withHeader("Content-Type", "application/vnd.oci.image.manifest.v1+json")
                        .withBody(BODY)));
        second.stubFor(get(urlPathEqualTo("/token")).willReturn(aResponse().withStatus(200)
                .withHeader("Content-Type", "application/json").withBody("{\"token\":\"t1\",\"expires_in\":300}")));
    }

    @Test
    void metricsCountRequestsFailoversAndTokenCacheUseWithPrometheusNames() {
        first.stubFor(get(MANIFEST).willReturn(aResponse().withStatus(503).withBody("down")));
        secondServesWithToken();
        try (Sidecar sidecar = Sidecar.start(WireMocks.upstream("first", first), WireMocks.upstream("second", second))) {
            AdminClient admin = new AdminClient(sidecar.server.adminPort());
            assertEquals(200, sidecar.pull("GET", MANIFEST).statusCode());
            assertEquals(200, sidecar.pull("GET", MANIFEST).statusCode());

            // The request metrics are recorded when the exchange completes, just after the client has its answer.
            String text = admin.awaitMetrics(t -> sample(t, "mirrorswitch_requests_total",
                    "route", "manifest", "status", "2xx", "upstream", "second").equals(Optional.of(2.0)),
                    Duration.ofSeconds(10), "two manifest requests served by second");
            assertEquals(Optional.of(2.0), sample(text, "mirrorswitch_requests_total", "route", "token", "status", "2xx", "upstream", "none"));
            assertEquals(Optional.of(2.0 * BODY.length()), sample(text, "mirrorswitch_response_bytes_total", "route", "manifest", "upstream", "second"));
            assertEquals(Optional.of(2.0), sample(text, "mirrorswitch_request_duration_seconds_count", "route", "manifest", "status", "2xx"));
            // Only the first request met first's 503: that report put first behind the not-yet-judged second.
            assertEquals(Optional.of(1.0), sample(text, "mirrorswitch_failovers_total", "route", "manifest", "upstream", "first", "reason", "server_error"));
            assertEquals(Optional.of(1.0), sample(text, "mirrorswitch_token_cache_misses_total", "upstream", "second"));
            assertEquals(Optional.of(1.0), sample(text, "mirrorswitch_token_cache_hits_total", "upstream", "second"));
            assertEquals(Optional.of(1.0), sample(text, "mirrorswitch_upstream_state", "upstream", "first", "state", "down"),
                    "first's 503 on live traffic shows in its state");
            assertTrue(admin.get("/metrics").headers().firstValue("Content-Type").orElseThrow().startsWith("text/plain; version=0.0.4"));
        }
    }

    @Test
    void healthReadinessStatusAndErrors() {
        try (Sidecar sidecar = Sidecar.start(WireMocks.upstream("first", first))) {
            AdminClient admin = new AdminClient(sidecar.server.adminPort());
            assertEquals("ok\n", admin.get("/healthz").body());

            HttpResponse<String> ready = admin.get("/readyz");
            assertEquals(503, ready.statusCode(), "no upstream was judged healthy (health checks are off here)");
            assertEquals(false, AdminClient.json(ready).path("ready").asBoolean(true));

            JsonNode status = admin.status();
            assertEquals("first", status.path("upstreams").path(0).path("name").asText());
            assertTrue(status.path("config").has("lastError"), status.toString());
            assertTrue(status.path("config").path("file").isNull(), "started from a config in code, not a file");

            HttpResponse<String> reload = admin.post("/reload");
            assertEquals(409, reload.statusCode(), reload.body());
            assertEquals("unavailable", AdminClient.json(reload).path("result").asText());
            HttpResponse<String> wrongMethod = admin.get("/reload");
            assertEquals(405, wrongMethod.statusCode());
            assertEquals("POST", wrongMethod.headers().firstValue("Allow").orElseThrow());
            assertEquals(405, admin.post("/status").statusCode());

            HttpResponse<String> missing = admin.get("/nope");
            assertEquals(404, missing.statusCode());
            assertTrue(missing.body().contains("/metrics"), missing.body());
        }
    }

    @Test
    void theStatusPageIsOneSelfContainedFile() {
        try (Sidecar sidecar = Sidecar.start(WireMocks.upstream("first", first))) {
            HttpResponse<String> page = new AdminClient(sidecar.server.adminPort()).get("/");
            assertEquals(200, page.statusCode());
            assertTrue(page.headers().firstValue("Content-Type").orElseThrow().startsWith("text/html"));
            assertTrue(page.headers().firstValue("Content-Security-Policy").orElseThrow().contains("default-src 'none'"));
            String html = page.body();
            assertTrue(html.contains("fetch(\"status\""), "the page polls /status relative to itself");
            assertTrue(html.matches("(?s).*<noscript>.*href=\"status\".*</noscript>.*"), "without JavaScript it points to /status");
            for (String external : new String[] {"<link", "src=\"http", "src=\"//", "@import", "url(http"}) {
                assertTrue(!html.contains(external), "no external asset: found " + external);
            }
        }
    }
}
