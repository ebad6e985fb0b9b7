package io.mirrorswitch.proxy;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.getRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.github.tomakehurst.wiremock.junit5.WireMockExtension;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The one challenge registry:2 ever sees, our token endpoint, and /v2/ forwarded for real once authorized. */
class OwnChallengeTest {
    @RegisterExtension
    static WireMockExtension upstream = WireMocks.upstream();

    private Sidecar sidecar;

    @BeforeEach
    void start() {
        sidecar = Sidecar.start(WireMocks.upstream("up", upstream));
    }

    @AfterEach
    void stop() {
        sidecar.close();
    }

    private String challenge(String host, String scope) {
        return "Bearer realm=\"http://" + host + "/token\",service=\"mirrorswitch\"" + (scope == null ? "" : ",scope=\"" + scope + "\"");
    }

    @Test
    void baseWithoutTokenIsChallengedAtOnceWithoutUpstreamIo() {
        HttpResponse<byte[]> response = sidecar.send("GET", "/v2/", null);

        assertEquals(401, response.statusCode());
        assertEquals(challenge("127.0.0.1:" + sidecar.port(), null), response.headers().firstValue("WWW-Authenticate").orElseThrow());
        assertEquals("registry/2.0", response.headers().firstValue("Docker-Distribution-Api-Version").orElseThrow());
        assertTrue(response.headers().firstValue("Content-Type").orElseThrow().startsWith("application/json"));
        assertEquals("UNAUTHORIZED", Sidecar.errorCode(response));
        assertTrue(WireMocks.received(upstream).isEmpty(), "no upstream I/O");
    }

    @Test
    void doubleSlashBaseAndCallerHostAreHonoured() throws Exception {
        for (String path : new String[] {"/v2/", "//v2/"}) {
            RawHttp.Response response = RawHttp.exchange(sidecar.port(), "GET " + path + " HTTP/1.1\r\nHost: mirrorswitch:5080");
            assertEquals(401, response.status(), path);
            assertEquals(challenge("mirrorswitch:5080", null), response.header("WWW-Authenticate"), path);
            assertEquals("registry/2.0", response.header("Docker-Distribution-Api-Version"));
            assertTrue(response.bodyText().contains("\"UNAUTHORIZED\""), response.bodyText());
        }
        assertTrue(WireMocks.received(upstream).isEmpty(), "no upstream I/O");
    }

    @Test
    void aHostileHostHeaderDoesNotEnterTheChallenge() throws Exception {
        for (String host : new String[] {"evil.example/x?y", "evil\",x=\"y", "a b"}) {
            RawHttp.Response response = RawHttp.exchange(sidecar.port(), "GET /v2/ HTTP/1.1\r\nHost: " + host);
            // Undertow may refuse such a Host itself (400); if it gets through, the realm falls back to our address
            assertTrue(response.status() == 400 || response.status() == 401, host + " -> " + response.status());
            if (response.status() == 401) {
                assertEquals(challenge("127.0.0.1:" + sidecar.port(), null), response.header("WWW-Authenticate"));
            }
            assertFalse(String.valueOf(response.headers()).contains("evil"), response.headers().toString());
        }
    }

    @Test
    void headWithoutTokenIsChallengedToo() {
        HttpResponse<byte[]> response = sidecar.send("HEAD", "/v2/", null);
        assertEquals(401, response.statusCode());
        assertTrue(response.headers().firstValue("WWW-Authenticate").isPresent());
        assertTrue(WireMocks.received(upstream).isEmpty());
    }

    @Test
    void repositoryRequestWithoutTokenIsChallengedWithItsScope() {
        for (String token : new String[] {null, "forged.token", sidecar.token("repository:other/image:pull")}) {
            HttpResponse<byte[]> response = sidecar.send("GET", "/v2/library/alpine/manifests/3.19", token);
            assertEquals(401, response.statusCode(), "token " + token);
            assertEquals(challenge("127.0.0.1:" + sidecar.port(), "repository:library/alpine:pull"),
                    response.headers().firstValue("WWW-Authenticate").orElseThrow());
            assertEquals("UNAUTHORIZED", Sidecar.errorCode(response));
        }
        assertTrue(WireMocks.received(upstream).isEmpty(), "no upstream I/O");
    }

    @Test
    void publicUrlOverridesTheRealmOrigin() {
        try (Sidecar behindIngress = Sidecar.startWith("publicUrl: https://cache.example:8443\n", Map.of(),
                WireMocks.upstream("up", upstream))) {
            HttpResponse<byte[]> response = behindIngress.send("GET", "/v2/", null);
            assertEquals(401, response.statusCode());
            assertEquals("Bearer realm=\"https://cache.example:8443/token\",service=\"mirrorswitch\"",
                    response.headers().firstValue("WWW-Authenticate").orElseThrow());
        }
    }

    @Test
    void tokenEndpointAnswersWithOurOwnToken() {
        HttpResponse<byte[]> response = sidecar.send("GET", "/token?service=mirrorswitch&scope=repository%3Alibrary%2Falpine%3Apull", null);
        assertEquals(200, response.statusCode());
        assertTrue(response.headers().firstValue("Content-Type").orElseThrow().startsWith("application/json"));
        JsonNode body = Sidecar.json(response);
        assertFalse(body.path("token").asText().isEmpty());
        assertEquals(body.path("token").asText(), body.path("access_token").asText());
        assertEquals(300, body.path("expires_in").asInt());
        assertTrue(body.path("issued_at").asText().matches("\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\dZ"), body.toString());
        assertTrue(WireMocks.received(upstream).isEmpty(), "a token is ours, never fetched from an upstream");
        assertEquals(405, sidecar.send("POST", "/token", null).statusCode());
    }

    @Test
    void baseWithTokenIsForwardedAndTheRealStatusComesBack() {
        upstream.stubFor(get("/v2/").willReturn(aResponse().withStatus(200).withHeader("Content-Type", "application/json")
                .withHeader("Docker-Distribution-Api-Version", "registry/2.0").withBody("{}")));
        HttpResponse<byte[]> ok = sidecar.pull("GET", "/v2/");
        assertEquals(200, ok.statusCode());
        assertEquals("{}", new String(ok.body(), StandardCharsets.UTF_8));
        assertEquals("up", ok.headers().firstValue("X-Mirrorswitch-Upstream").orElseThrow());
        upstream.verify(1, getRequestedFor(urlEqualTo("/v2/")));

        upstream.stubFor(get("/v2/").willReturn(aResponse().withStatus(404).withBody("{\"errors\":[]}")));
        HttpResponse<byte[]> notFound = sidecar.pull("GET", "//v2/");
        assertEquals(404, notFound.statusCode(), "never a canned 200");
        assertEquals("{\"errors\":[]}", new String(notFound.body(), StandardCharsets.UTF_8));
        upstream.verify(2, getRequestedFor(urlEqualTo("/v2/")));
    }

    @Test
    void baseAnswers503WhenNoUpstreamAnswers() {
        upstream.stubFor(get("/v2/").willReturn(aResponse().withStatus(502)));
        HttpResponse<byte[]> response = sidecar.pull("GET", "/v2/");
        assertEquals(503, response.statusCode());
        assertEquals("UNAVAILABLE", Sidecar.errorCode(response));
        assertTrue(response.headers().firstValue("Content-Type").orElseThrow().startsWith("application/json"));
    }
}
