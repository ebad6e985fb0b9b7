package io.mirrorswitch.proxy;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.absent;
import static com.github.tomakehurst.wiremock.client.WireMock.anyRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.anyUrl;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.getRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.head;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.github.tomakehurst.wiremock.junit5.WireMockExtension;
import com.github.tomakehurst.wiremock.verification.LoggedRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** mirrorswitch is the client of each upstream's own auth; none of it may leak to the caller or to other hosts. */
class UpstreamAuthTest {
    private static final String REPO = "library/alpine";
    private static final String SCOPE = "repository:" + REPO + ":pull";
    private static final String MANIFEST = "/v2/" + REPO + "/manifests/3.19";
    private static final byte[] LAYER = "layer-bytes".getBytes(StandardCharsets.US_ASCII);
    private static final String BLOB = WireMocks.blobPath(REPO, LAYER);
    private static final String PASSWORD = "pw-Very-Secret";

    @RegisterExtension
    static WireMockExtension upA = WireMocks.upstream();
    @RegisterExtension
    static WireMockExtension upB = WireMocks.upstream();
    @RegisterExtension
    static WireMockExtension cdn = WireMocks.upstream();

    private static String bearerChallenge(WireMockExtension wm, String extra) {
        return "Bearer realm=\"" + WireMocks.origin(wm) + "/token\",service=\"up\"" + extra;
    }

    /** Without Authorization: 401 and the upstream's own challenge, as registries answer. */
    private static void requireBearer(WireMockExtension wm, String path) {
        wm.stubFor(get(urlPathEqualTo(path)).atPriority(10).withHeader("Authorization", absent())
                .willReturn(aResponse().withStatus(401)
                        .withHeader("WWW-Authenticate", bearerChallenge(wm, ",scope=\"" + SCOPE + "\""))
                        .withHeader("Content-Type", "application/json")
                        .withBody("{\"errors\":[{\"code\":\"UNAUTHORIZED\",\"message\":\"authentication required\"}]}")));
    }

    private static void serveWithToken(WireMockExtension wm, String path, String token, String body) {
        wm.stubFor(get(urlPathEqualTo(path)).atPriority(1).withHeader("Authorization", equalTo("Bearer " + token))
                .willReturn(aResponse().withStatus(200).withHeader("Content-Type", "application/vnd.oci.image.manifest.v1+json")
                        .withBody(body)));
    }

    private static void issueTokens(WireMockExtension wm, String token) {
        wm.stubFor(get(urlPathEqualTo("/token")).willReturn(aResponse().withStatus(200).withHeader("Content-Type", "application/json")
                .withBody("{\"token\":\"" + token + "\",\"expires_in\":300}")));
    }

    private static List<LoggedRequest> requestsTo(WireMockExtension wm, String path) {
        return WireMocks.received(wm).stream().filter(r -> r.getUrl().startsWith(path)).toList();
    }

    private static void assertNothingOfTheUpstreamAuthLeaks(HttpResponse<byte[]> response, String... secrets) {
        String everything = response.headers().map() + new String(response.body(), StandardCharsets.ISO_8859_1);
        for (String secret : secrets) {
            assertFalse(everything.contains(secret), secret + " leaked downstream: " + everything);
        }
    }

    @Test
    void bearerChallengeIsFollowedTheTokenReusedAndNothingLeaks() {
        requireBearer(upA, MANIFEST);
        serveWithToken(upA, MANIFEST, "up-token-1", "{\"m\":1}");
        issueTokens(upA, "up-token-1");
        try (Sidecar sidecar = Sidecar.start(WireMocks.upstream("a", upA))) {
            for (int i = 0; i < 2; i++) {
                HttpResponse<byte[]> response = sidecar.pull("GET", MANIFEST);
                assertEquals(200, response.statusCode());
                assertEquals("{\"m\":1}", new String(response.body(), StandardCharsets.UTF_8));
                assertTrue(response.headers().firstValue("WWW-Authenticate").isEmpty());
                assertNothingOfTheUpstreamAuthLeaks(response, "up-token-1", WireMocks.origin(upA) + "/token", "service=\"up\"");
            }
        }
        List<LoggedRequest> tokenRequests = requestsTo(upA, "/token");
        assertEquals(1, tokenRequests.size(), "the upstream token is cached and reused");
        assertEquals("up", tokenRequests.get(0).queryParameter("service").firstValue());
        assertEquals(SCOPE, tokenRequests.get(0).queryParameter("scope").firstValue());
        assertFalse(tokenRequests.get(0).containsHeader("Authorization"), "anonymous upstream: no credentials");
        upA.verify(2, getRequestedFor(urlEqualTo(MANIFEST)).withHeader("Authorization", equalTo("Bearer up-token-1")));
        upA.verify(1, getRequestedFor(urlEqualTo(MANIFEST)).withHeader("Authorization", absent()));
    }

    @Test
    void invalidTokenCausesExactlyOneRefresh() {
        requireBearer(upA, MANIFEST);
        serveWithToken(upA, MANIFEST, "old", "{\"v\":\"old\"}");
        issueTokens(upA, "old");
        try (Sidecar sidecar = Sidecar.start(WireMocks.upstream("a", upA))) {
            assertEquals(200, sidecar.pull("GET", MANIFEST).statusCode());

            // the upstream rotates its signing key: the cached token is now invalid
            upA.resetAll();
            requireBearer(upA, MANIFEST);
            upA.stubFor(get(MANIFEST).atPriority(1).withHeader("Authorization", equalTo("Bearer old"))
                    .willReturn(aResponse().withStatus(401).withHeader("WWW-Authenticate",
                            bearerChallenge(upA, ",scope=\"" + SCOPE + "\",error=\"invalid_token\""))));
            serveWithToken(upA, MANIFEST, "new", "{\"v\":\"new\"}");
            issueTokens(upA, "new");

            HttpResponse<byte[]> response = sidecar.pull("GET", MANIFEST);
            assertEquals(200, response.statusCode());
            assertEquals("{\"v\":\"new\"}", new String(response.body(), StandardCharsets.UTF_8));
        }
        assertEquals(1, requestsTo(upA, "/token").size(), "one refresh");
        assertEquals(2, requestsTo(upA, MANIFEST).size(), "old token refused, then the fresh one");
    }

    @Test
    void configuredCredentialsReachOnlyTheRealmAsBasic() {
        requireBearer(upA, MANIFEST);
        requireBearer(upA, BLOB);
        serveWithToken(upA, MANIFEST, "t", "{}");
        upA.stubFor(get(BLOB).atPriority(1).withHeader("Authorization", equalTo("Bearer t"))
                .willReturn(aResponse().withStatus(307).withHeader("Location", WireMocks.origin(cdn) + "/layer")));
        cdn.stubFor(get("/layer").willReturn(aResponse().withStatus(200).withBody(LAYER)));
        issueTokens(upA, "t");
        try (Sidecar sidecar = Sidecar.startWith("", Map.of("PW", PASSWORD),
                "{name: a, url: '" + WireMocks.origin(upA) + "', username: someone, password: '${PW}'}")) {
            HttpResponse<byte[]> manifest = sidecar.pull("GET", MANIFEST);
            HttpResponse<byte[]> blob = sidecar.pull("GET", BLOB);
            assertEquals(200, manifest.statusCode());
            assertEquals(200, blob.statusCode());
            assertEquals("layer-bytes", new String(blob.body(), StandardCharsets.UTF_8));
            String basic = Base64.getEncoder().encodeToString(("someone:" + PASSWORD).getBytes(StandardCharsets.UTF_8));
            assertNothingOfTheUpstreamAuthLeaks(manifest, PASSWORD, basic);
            assertNothingOfTheUpstreamAuthLeaks(blob, PASSWORD, basic);
        }
        String basic = "Basic " + Base64.getEncoder().encodeToString(("someone:" + PASSWORD).getBytes(StandardCharsets.UTF_8));
        List<LoggedRequest> tokenRequests = requestsTo(upA, "/token");
        assertEquals(1, tokenRequests.size(), "one token serves both requests of the repository: " + tokenRequests);
        for (LoggedRequest r : tokenRequests) {
            assertEquals(basic, r.getHeader("Authorization"));
        }
        for (LoggedRequest r : requestsTo(upA, "/v2/")) {
            assertFalse(String.valueOf(r.getHeader("Authorization")).startsWith("Basic"), "registry calls carry the token only");
        }
        cdn.verify(1, getRequestedFor(urlEqualTo("/layer")).withHeader("Authorization", absent()));
    }

    @Test
    void basicUpstreamWithCredentials() {
        String basic = "Basic " + Base64.getEncoder().encodeToString(("someone:" + PASSWORD).getBytes(StandardCharsets.UTF_8));
        upA.stubFor(get(MANIFEST).atPriority(10).willReturn(aResponse().withStatus(401)
                .withHeader("WWW-Authenticate", "Basic realm=\"Registry Realm\"")));
        upA.stubFor(get(MANIFEST).atPriority(1).withHeader("Authorization", equalTo(basic))
                .willReturn(aResponse().withStatus(200).withBody("{\"basic\":true}")));
        try (Sidecar sidecar = Sidecar.startWith("", Map.of("PW", PASSWORD),
                "{name: a, url: '" + WireMocks.origin(upA) + "', username: someone, password: '${PW}'}")) {
            for (int i = 0; i < 2; i++) {
                HttpResponse<byte[]> response = sidecar.pull("GET", MANIFEST);
                assertEquals(200, response.statusCode());
                assertEquals("{\"basic\":true}", new String(response.body(), StandardCharsets.UTF_8));
                assertTrue(response.headers().firstValue("WWW-Authenticate").isEmpty());
            }
        }
        upA.verify(2, getRequestedFor(urlEqualTo(MANIFEST)).withHeader("Authorization", equalTo(basic)));
        upA.verify(1, getRequestedFor(urlEqualTo(MANIFEST)).withHeader("Authorization", absent()));
    }

    @Test
    void basicUpstreamWithoutCredentialsFailsOver() {
        upA.stubFor(get(MANIFEST).willReturn(aResponse().withStatus(401).withHeader("WWW-Authenticate", "Basic realm=\"x\"")));
        upB.stubFor(get(MANIFEST).willReturn(aResponse().withStatus(200).withBody("{\"from\":\"b\"}")));
        try (Sidecar sidecar = Sidecar.start(WireMocks.upstream("a", upA), WireMocks.upstream("b", upB))) {
            HttpResponse<byte[]> response = sidecar.pull("GET", MANIFEST);
            assertEquals(200, response.statusCode());
            assertEquals("b", response.headers().firstValue("X-Mirrorswitch-Upstream").orElseThrow());
        }
    }

    @Test
    void loginWallAtTheTokenEndpointFailsOver() {
        requireBearer(upA, MANIFEST);
        upA.stubFor(get(urlPathEqualTo("/token")).willReturn(aResponse().withStatus(401)
                .withHeader("WWW-Authenticate", "Basic realm=\"login\"").withBody("{\"details\":\"login required\"}")));
        upB.stubFor(get(MANIFEST).willReturn(aResponse().withStatus(200).withBody("{\"from\":\"b\"}")));
        try (Sidecar sidecar = Sidecar.start(WireMocks.upstream("a", upA), WireMocks.upstream("b", upB))) {
            HttpResponse<byte[]> response = sidecar.pull("GET", MANIFEST);
            assertEquals(200, response.statusCode());
            assertEquals("{\"from\":\"b\"}", new String(response.body(), StandardCharsets.UTF_8));
            assertEquals("b", response.headers().firstValue("X-Mirrorswitch-Upstream").orElseThrow());
        }
        assertEquals(1, requestsTo(upA, "/token").size());
    }

    @Test
    void insufficientScopeIsTheAnswerWithOurChallengeAndNoFailover() {
        requireBearer(upA, MANIFEST);
        issueTokens(upA, "t");
        String denied = "{\"errors\":[{\"code\":\"DENIED\",\"message\":\"requested access to the resource is denied\"}]}";
        upA.stubFor(get(MANIFEST).atPriority(1).withHeader("Authorization", equalTo("Bearer t"))
                .willReturn(aResponse().withStatus(401)
                        .withHeader("WWW-Authenticate", bearerChallenge(upA, ",scope=\"" + SCOPE + "\",error=\"insufficient_scope\""))
                        .withHeader("Content-Type", "application/json").withBody(denied)));
        upB.stubFor(get(MANIFEST).willReturn(aResponse().withStatus(200).withBody("{}")));
        try (Sidecar sidecar = Sidecar.start(WireMocks.upstream("a", upA), WireMocks.upstream("b", upB))) {
            HttpResponse<byte[]> response = sidecar.pull("GET", MANIFEST);

            assertEquals(401, response.statusCode());
            assertEquals(List.of("Bearer realm=\"http://127.0.0.1:" + sidecar.port() + "/token\",service=\"mirrorswitch\",scope=\"" + SCOPE + "\""),
                    response.headers().allValues("WWW-Authenticate"), "our challenge, never the upstream's");
            assertEquals(denied, new String(response.body(), StandardCharsets.UTF_8));
            assertEquals("a", response.headers().firstValue("X-Mirrorswitch-Upstream").orElseThrow());
            assertNothingOfTheUpstreamAuthLeaks(response, WireMocks.origin(upA), "service=\"up\"");

            // a HEAD ends without a body: it must carry our challenge as well
            upA.stubFor(head(urlEqualTo(MANIFEST)).atPriority(1).withHeader("Authorization", equalTo("Bearer t"))
                    .willReturn(aResponse().withStatus(401).withHeader("WWW-Authenticate",
                            bearerChallenge(upA, ",error=\"insufficient_scope\""))));
            HttpResponse<byte[]> head = sidecar.pull("HEAD", MANIFEST);
            assertEquals(401, head.statusCode());
            assertEquals(response.headers().allValues("WWW-Authenticate"), head.headers().allValues("WWW-Authenticate"));
        }
        upB.verify(0, anyRequestedFor(anyUrl()));
    }

    @Test
    void blobRedirectToAnotherOriginDropsAuthorizationAndKeepsRangeAndLocation() {
        String location = WireMocks.origin(cdn) + "/blobs/abc/data?X-Amz-Signature=a%2Bb%2Fc%3D&Expires=1700000000&k=v+w~_-.";
        requireBearer(upA, BLOB);
        issueTokens(upA, "t");
        upA.stubFor(get(BLOB).atPriority(1).withHeader("Authorization", equalTo("Bearer t"))
                .willReturn(aResponse().withStatus(307).withHeader("Location", location)));
        byte[] bytes = "0123456789".getBytes(StandardCharsets.US_ASCII);
        cdn.stubFor(get(urlPathEqualTo("/blobs/abc/data")).willReturn(aResponse().withStatus(206)
                .withHeader("Content-Range", "bytes 0-9/100").withHeader("Content-Type", "application/octet-stream").withBody(bytes)));
        try (Sidecar sidecar = Sidecar.start(WireMocks.upstream("a", upA))) {
            HttpResponse<byte[]> response = sidecar.pull("GET", BLOB, "Range", "bytes=0-9");

            assertEquals(206, response.statusCode());
            assertArrayEquals(bytes, response.body());
            assertEquals("bytes 0-9/100", response.headers().firstValue("Content-Range").orElseThrow());
            assertTrue(response.headers().firstValue("Location").isEmpty(), "mirrorswitch followed the redirect itself");
        }
        List<LoggedRequest> atCdn = WireMocks.received(cdn);
        assertEquals(1, atCdn.size());
        assertFalse(atCdn.get(0).containsHeader("Authorization"), "no upstream token on another origin");
        assertFalse(atCdn.get(0).containsHeader("Cookie"));
        assertEquals("bytes=0-9", atCdn.get(0).getHeader("Range"));
        assertEquals(location.substring(WireMocks.origin(cdn).length()), atCdn.get(0).getUrl(), "Location used byte-for-byte");
    }
}
