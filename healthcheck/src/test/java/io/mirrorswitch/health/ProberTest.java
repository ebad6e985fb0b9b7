package io.mirrorswitch.health;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.containing;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.getRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.head;
import static com.github.tomakehurst.wiremock.client.WireMock.headRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathMatching;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.wireMockConfig;
import static io.mirrorswitch.health.FakeRegistry.TAG_PATH;
import static io.mirrorswitch.health.FakeRegistry.blobPath;
import static io.mirrorswitch.health.FakeRegistry.manifestPath;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.github.tomakehurst.wiremock.junit5.WireMockExtension;
import io.mirrorswitch.config.HealthConfig;
import io.mirrorswitch.config.Secret;
import io.mirrorswitch.config.TimeoutsConfig;
import io.mirrorswitch.config.UpstreamConfig;
import io.mirrorswitch.upstream.UpstreamClient;
import io.mirrorswitch.upstream.UpstreamHttp;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Optional;
import okhttp3.OkHttpClient;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Every outcome word of a probe round, against a WireMock registry with real digests. */
class ProberTest {
    @RegisterExtension
    static WireMockExtension wm = WireMockExtension.newInstance().options(wireMockConfig().dynamicPort()).build();

    private static final Instant NOW = Instant.parse("2026-01-01T00:00:00Z");
    private static final TimeoutsConfig FAST = new TimeoutsConfig(Duration.ofMillis(500), Duration.ofMillis(700),
            Duration.ofSeconds(1), 1024, Duration.ofSeconds(1));
    private static final OkHttpClient HTTP = UpstreamHttp.client(FAST);

    private final FakeRegistry registry = new FakeRegistry(wm);
    private final Clock clock = Clock.fixed(NOW, ZoneOffset.UTC);

    private static HealthConfig health(Duration timeout, Duration slowAfter) {
        return new HealthConfig(Duration.ofSeconds(30), "library/alpine:3.19", timeout, slowAfter, 2, 3, 1,
                Duration.ofMinutes(5));
    }

    private ProbeResult probe(boolean deep) {
        return probe(health(Duration.ofSeconds(5), Duration.ofSeconds(5)), deep, wm.baseUrl());
    }

    private ProbeResult probe(HealthConfig health, boolean deep, String url) {
        return probe(health, deep, new UpstreamConfig("hub1", URI.create(url), 1, Optional.empty(), Optional.empty()));
    }

    private ProbeResult probe(HealthConfig health, boolean deep, UpstreamConfig upstream) {
        UpstreamClient client = new UpstreamClient(upstream, Prober.probeHttp(HTTP, health));
        return new Prober(health, clock).probe(client, deep);
    }

    /** Background probes must never GET a manifest by tag: on Docker Hub that spends pull quota. */
    @AfterEach
    void neverGetsAManifestByTag() {
        wm.verify(0, getRequestedFor(urlPathEqualTo(TAG_PATH)));
        wm.verify(0, getRequestedFor(urlPathMatching("/v2/.*/manifests/[^:]+")));
    }

    @Test
    void okDeepRoundVerifiesManifestAndSmallestBlob() {
        registry.serveImage();
        ProbeResult r = probe(true);
        assertEquals(Outcome.OK, r.outcome(), r.note());
        assertEquals("hub1", r.upstream());
        assertEquals(NOW, r.startedAt());
        assertEquals(registry.manifest.length + registry.config.length, r.bytes());
        assertTrue(r.bytesPerSecond() > 0);
        assertTrue(r.timeToFirstByte().compareTo(Duration.ZERO) > 0);
        assertTrue(r.note().startsWith("verified manifest " + Digests.shortForm(registry.manifestDigest)), r.note());
        assertEquals("99;w=21600", r.evidence().headers().get("RateLimit-Remaining"));
        wm.verify(headRequestedFor(urlEqualTo(TAG_PATH))
                .withHeader("Accept", containing("application/vnd.docker.distribution.manifest.v2+json"))
                .withHeader("Accept", containing("application/vnd.docker.distribution.manifest.list.v2+json"))
                .withHeader("Accept", containing("application/vnd.oci.image.manifest.v1+json"))
                .withHeader("Accept", containing("application/vnd.oci.image.index.v1+json"))
                .withHeader("Accept", containing("application/vnd.docker.distribution.manifest.v1+prettyjws"))
                .withHeader("Accept", containing("application/json")));
        wm.verify(1, getRequestedFor(urlEqualTo(manifestPath(registry.manifestDigest))));
        wm.verify(1, getRequestedFor(urlEqualTo(blobPath(registry.configDigest))));
        wm.verify(0, getRequestedFor(urlEqualTo(blobPath(registry.layerDigest))));
    }

    @Test
    void okThroughAnIndexUsesTheFirstRealPlatformManifest() {
        registry.serveIndex();
        ProbeResult r = probe(true);
        assertEquals(Outcome.OK, r.outcome(), r.note());
        wm.verify(1, getRequestedFor(urlEqualTo(manifestPath(registry.indexDigest))));
        wm.verify(1, getRequestedFor(urlEqualTo(manifestPath(registry.manifestDigest))));
        wm.verify(1, getRequestedFor(urlEqualTo(blobPath(registry.configDigest))));
    }

    @Test
    void shallowRoundStopsAfterTheHead() {
        registry.serveImage();
        ProbeResult r = probe(false);
        assertEquals(Outcome.OK, r.outcome(), r.note());
        assertEquals(0, r.bytes());
        wm.verify(0, getRequestedFor(urlPathMatching("/v2/.*/manifests/.*")));
        wm.verify(0, getRequestedFor(urlPathMatching("/v2/.*/blobs/.*")));
    }

    @Test
    void slowWhenTheRoundTakesLongerThanSlowAfter() {
        registry.serveImage();
        wm.stubFor(get(urlEqualTo(blobPath(registry.configDigest))).willReturn(FakeRegistry.blob(registry.config).withFixedDelay(300)));
        ProbeResult r = probe(health(Duration.ofSeconds(5), Duration.ofMillis(200)), true, wm.baseUrl());
        assertEquals(Outcome.SLOW, r.outcome(), r.note());
        assertTrue(r.note().startsWith("slow: "), r.note());
    }

    @Test
    void throttledWithRetryAfterSeconds() {
        registry.serveImage();
        wm.stubFor(head(urlEqualTo(TAG_PATH)).willReturn(aResponse().withStatus(429).withHeader("Retry-After", "3600")));
        ProbeResult r = probe(true);
        assertEquals(Outcome.THROTTLED, r.outcome());
        assertEquals(Optional.of(NOW.plusSeconds(3600)), r.retryAt());
        assertEquals("429 Retry-After 3600", r.note());
        assertEquals("3600", r.evidence().headers().get("Retry-After"));
    }

    @Test
    void throttledWithAnHttpDateOnTheManifestGet() {
        registry.serveImage();
        wm.stubFor(get(urlEqualTo(manifestPath(registry.manifestDigest))).willReturn(aResponse().withStatus(429)
                .withHeader("Retry-After", "Thu, 01 Jan 2026 00:10:00 GMT")
                .withBody("<html><title>Too Many Requests</title></html>")));
        ProbeResult r = probe(true);
        assertEquals(Outcome.THROTTLED, r.outcome());
        assertEquals(Optional.of(NOW.plusSeconds(600)), r.retryAt());
        assertEquals("HTML page 'Too Many Requests'", r.evidence().error());
    }

    @Test
    void authWallWhenTheTokenEndpointRefusesAnonymous() {
        registry.serveImage();
        wm.stubFor(get(urlEqualTo("/v2/")).willReturn(aResponse().withStatus(401).withHeader("WWW-Authenticate",
                "Bearer realm=\"" + wm.baseUrl() + "/token\",service=\"fake\"")));
        wm.stubFor(get(urlPathEqualTo("/token")).willReturn(aResponse().withStatus(401)
                .withBody("{\"details\":\"login required\"}")));
        ProbeResult r = probe(true);
        assertEquals(Outcome.AUTH_WALL, r.outcome());
        assertTrue(r.note().startsWith("token endpoint 401"), r.note());
        assertTrue(r.note().contains("login required"), r.note());
        wm.verify(getRequestedFor(urlPathEqualTo("/token"))
                .withQueryParam("scope", equalTo("repository:library/alpine:pull")));
    }

    @Test
    void refusedBasicCredentialsAreTheRegistrysRefusalNotATokenEndpoints() {
        registry.serveImage();
        wm.stubFor(get(urlEqualTo("/v2/")).willReturn(aResponse().withStatus(401).withHeader("WWW-Authenticate", "Basic realm=\"r\"")));
        ProbeResult r = probe(health(Duration.ofSeconds(5), Duration.ofSeconds(5)), true, new UpstreamConfig("hub1",
                URI.create(wm.baseUrl()), 1, Optional.of("someone"), Optional.of(new io.mirrorswitch.config.Secret("wrong"))));
        assertEquals(Outcome.AUTH_WALL, r.outcome());
        assertEquals("the registry refused the basic credentials (401)", r.note());
    }

    @Test
    void aRedirectLoopIsSaidPlainly() {
        wm.stubFor(get(urlEqualTo("/v2/")).willReturn(aResponse().withStatus(302).withHeader("Location", "/v2/")));
        ProbeResult r = probe(true);
        assertEquals(Outcome.DOWN, r.outcome());
        assertEquals("more than 5 redirects for GET /v2/ (a redirect loop)", r.note());
    }

    @Test
    void authWallEvidenceNamesTheRefusedTokenRequestWithoutSecrets() {
        registry.serveImage();
        String realm = wm.baseUrl().replace("http://", "http://realm-user:realm-pass@") + "/token?sig=SIGNATURE#frag";
        wm.stubFor(get(urlEqualTo("/v2/")).willReturn(aResponse().withStatus(401).withHeader("WWW-Authenticate",
                "Bearer realm=\"" + realm + "\",service=\"fake\"")));
        wm.stubFor(get(urlPathEqualTo("/token")).willReturn(aResponse().withStatus(401).withHeader("Content-Type", "application/json")
                .withBody("{\"details\":\"incorrect username or password\"}")));
        UpstreamConfig withCredentials = new UpstreamConfig("hub1", URI.create(wm.baseUrl()), 1, Optional.of("puller"),
                Optional.of(new Secret("pw-secret")));

        ProbeResult r = probe(health(Duration.ofSeconds(5), Duration.ofSeconds(5)), true, withCredentials);

        assertEquals(Outcome.AUTH_WALL, r.outcome());
        assertEquals("GET " + wm.baseUrl() + "/token", r.evidence().step(), "the token request failed, not GET /v2/");
        assertEquals(401, r.evidence().status().getAsInt());
        assertEquals("application/json", r.evidence().headers().get("Content-Type"));
        assertTrue(r.evidence().error().contains("incorrect username or password"), r.evidence().error());
        String shown = r.note() + " " + r.evidence();
        for (String secret : List.of("realm-pass", "SIGNATURE", "frag", "pw-secret")) {
            assertFalse(shown.contains(secret), secret + " in " + shown);
        }
    }

    @Test
    void bearerTokenFlowWorksAndTheProbeUsesTheToken() {
        registry.serveImage();
        wm.stubFor(get(urlEqualTo("/v2/")).atPriority(2).willReturn(aResponse().withStatus(401).withHeader("WWW-Authenticate",
                "Bearer realm=\"" + wm.baseUrl() + "/token\",service=\"fake\"")));
        wm.stubFor(get(urlEqualTo("/v2/")).atPriority(1).withHeader("Authorization", equalTo("Bearer t0k"))
                .willReturn(FakeRegistry.apiRoot()));
        wm.stubFor(get(urlPathEqualTo("/token")).willReturn(aResponse().withStatus(200)
                .withBody("{\"token\":\"t0k\",\"expires_in\":300}")));
        ProbeResult r = probe(true);
        assertEquals(Outcome.OK, r.outcome(), r.note());
        wm.verify(headRequestedFor(urlEqualTo(TAG_PATH)).withHeader("Authorization", equalTo("Bearer t0k")));
    }

    @Test
    void forbiddenWithAnHtmlBodyIsForbiddenNotCorrupt() {
        registry.serveImage();
        wm.stubFor(get(urlEqualTo("/v2/")).willReturn(aResponse().withStatus(403).withHeader("Content-Type", "text/html")
                .withBody("<html><head><title>Access denied in your region</title></head><body>...</body></html>")));
        ProbeResult r = probe(true);
        assertEquals(Outcome.FORBIDDEN, r.outcome());
        assertEquals("403 on /v2/: HTML page 'Access denied in your region'", r.note());
        assertEquals(403, r.evidence().status().getAsInt());
        assertEquals("GET /v2/", r.evidence().step());
    }

    @Test
    void corruptWhenManifestBytesDoNotMatchTheirDigest() {
        registry.serveImage();
        byte[] tampered = new String(registry.manifest, StandardCharsets.UTF_8).replace("amd64", "arm64")
                .replace("\"size\":8192", "\"size\":8193").getBytes(StandardCharsets.UTF_8);
        wm.stubFor(get(urlEqualTo(manifestPath(registry.manifestDigest))).willReturn(aResponse().withStatus(200)
                .withHeader("Content-Type", ManifestDocument.OCI_MANIFEST).withBody(tampered)));
        ProbeResult r = probe(true);
        assertEquals(Outcome.CORRUPT, r.outcome());
        assertTrue(r.note().startsWith("manifest digest mismatch: " + Digests.shortForm(registry.manifestDigest)), r.note());
        wm.verify(0, getRequestedFor(urlPathMatching("/v2/.*/blobs/.*")));
    }

    @Test
    void corruptWhenTheManifestGetAnswersAnotherManifest() {
        registry.serveIndex();
        wm.stubFor(get(urlEqualTo(manifestPath(registry.indexDigest)))
                .willReturn(FakeRegistry.manifestBody(registry.manifest, ManifestDocument.OCI_MANIFEST, registry.manifestDigest)));
        ProbeResult r = probe(true);
        assertEquals(Outcome.CORRUPT, r.outcome());
        assertTrue(r.note().contains("(another manifest)"), r.note());
    }

    @Test
    void corruptWhenTheManifestIsOfAnotherImage() {
        registry.serveImage();
        byte[] busybox = ("{\"schemaVersion\":1,\"name\":\"library/busybox\",\"tag\":\"3.19\",\"fsLayers\":[{\"blobSum\":\""
                + registry.configDigest + "\"}]}").getBytes(StandardCharsets.UTF_8);
        String digest = Digests.compute("sha256:", busybox);
        wm.stubFor(head(urlEqualTo(TAG_PATH)).willReturn(FakeRegistry.manifestHead(digest, "application/json", busybox.length)));
        wm.stubFor(get(urlEqualTo(manifestPath(digest))).willReturn(FakeRegistry.manifestBody(busybox, "application/json", digest)));
        ProbeResult r = probe(true);
        assertEquals(Outcome.CORRUPT, r.outcome());
        assertEquals("manifest of another image: library/busybox", r.note());
    }

    @Test
    void corruptWhenACaptivePortalAnswersWithHtml() {
        registry.serveImage();
        wm.stubFor(get(urlEqualTo("/v2/")).willReturn(aResponse().withStatus(200).withHeader("Content-Type", "text/html")
                .withBody("<html><title>Hotel WiFi login</title></html>")));
        ProbeResult r = probe(true);
        assertEquals(Outcome.CORRUPT, r.outcome());
        assertEquals("HTML page 'Hotel WiFi login'", r.evidence().error());
    }

    @Test
    void corruptWhenTheBlobFailsItsDigest() {
        registry.serveImage();
        byte[] wrong = new String(registry.config, StandardCharsets.UTF_8).replace("amd64", "arm64").getBytes(StandardCharsets.UTF_8);
        wm.stubFor(get(urlEqualTo(blobPath(registry.configDigest))).willReturn(FakeRegistry.blob(wrong)));
        ProbeResult r = probe(true);
        assertEquals(Outcome.CORRUPT, r.outcome());
        assertTrue(r.note().startsWith("blob digest mismatch"), r.note());
    }

    @Test
    void corruptWhenTheHeadCarriesNoDigest() {
        registry.serveImage();
        wm.stubFor(head(urlEqualTo(TAG_PATH)).willReturn(aResponse().withStatus(200)
                .withHeader("Content-Type", ManifestDocument.OCI_MANIFEST)));
        ProbeResult r = probe(true);
        assertEquals(Outcome.CORRUPT, r.outcome());
        assertTrue(r.note().contains("without a valid Docker-Content-Digest"), r.note());
    }

    @Test
    void notFoundWhenTheProbeImageIsMissing() {
        registry.serveImage();
        wm.stubFor(head(urlEqualTo(TAG_PATH)).willReturn(aResponse().withStatus(404)));
        ProbeResult r = probe(true);
        assertEquals(Outcome.NOT_FOUND, r.outcome());
        assertEquals("manifest library/alpine:3.19 not found (404)", r.note());
    }

    @Test
    void downOnServerError() {
        registry.serveImage();
        wm.stubFor(get(urlEqualTo("/v2/")).willReturn(aResponse().withStatus(503).withBody("upstream connect error")));
        ProbeResult r = probe(true);
        assertEquals(Outcome.DOWN, r.outcome());
        assertEquals("503 on /v2/: upstream connect error", r.note());
    }

    @Test
    void downWhenTheConnectionIsRefused() throws Exception {
        int port;
        try (ServerSocket s = new ServerSocket(0)) {
            port = s.getLocalPort();
        }
        ProbeResult r = probe(health(Duration.ofSeconds(5), Duration.ofSeconds(5)), true, "http://127.0.0.1:" + port);
        assertEquals(Outcome.DOWN, r.outcome());
        assertEquals("connect refused", r.note());
    }

    @Test
    void downWhenHeadersDoNotComeWithinTheFirstByteTimeout() {
        registry.serveImage();
        wm.stubFor(head(urlEqualTo(TAG_PATH)).willReturn(
                FakeRegistry.manifestHead(registry.manifestDigest, ManifestDocument.OCI_MANIFEST, 0).withFixedDelay(1500)));
        ProbeResult r = probe(true);
        assertEquals(Outcome.DOWN, r.outcome());
        assertTrue(r.note().contains("first-byte timeout"), r.note());
    }

    @Test
    void stalledWhenTheBodyStopsArrivingAfterTheHeaders() {
        registry.serveImage();
        wm.stubFor(get(urlEqualTo(blobPath(registry.configDigest)))
                .willReturn(FakeRegistry.blob(registry.config).withChunkedDribbleDelay(10, 4000)));
        ProbeResult r = probe(health(Duration.ofMillis(900), Duration.ofSeconds(5)), true, wm.baseUrl());
        assertEquals(Outcome.STALLED, r.outcome(), r.note());
        assertTrue(r.note().startsWith("blob " + Digests.shortForm(registry.configDigest) + " body stopped after "), r.note());
        assertTrue(r.total().compareTo(Duration.ofMillis(2500)) < 0, "the round is bounded by health.timeout: " + r.total());
    }
}
