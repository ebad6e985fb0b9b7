package io.mirrorswitch.upstream;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.absent;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.getRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.head;
import static com.github.tomakehurst.wiremock.client.WireMock.headRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.wireMockConfig;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.github.tomakehurst.wiremock.junit5.WireMockExtension;
import com.github.tomakehurst.wiremock.verification.LoggedRequest;
import io.mirrorswitch.config.Secret;
import io.mirrorswitch.config.TimeoutsConfig;
import io.mirrorswitch.config.UpstreamConfig;
import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import okhttp3.OkHttpClient;
import okhttp3.Response;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** UpstreamClient details the proxy tests do not reach: where credentials may go, token lifetime, refused credentials. */
class UpstreamClientTest {
    private static final String SCOPE = "repository:library/alpine:pull";
    private static final String MANIFEST = "/v2/library/alpine/manifests/3.19";
    private static final String BASIC = okhttp3.Credentials.basic("someone", "pw-secret");

    @RegisterExtension
    static WireMockExtension registry = server();
    @RegisterExtension
    static WireMockExtension auth = server();

    private static final OkHttpClient HTTP = UpstreamHttp.client(TimeoutsConfig.DEFAULTS);

    private static WireMockExtension server() {
        return WireMockExtension.newInstance()
                .options(wireMockConfig().dynamicPort().bindAddress("127.0.0.1").gzipDisabled(true).containerThreads(10))
                .failOnUnmatchedRequests(false).build();
    }

    private static final class TestClock extends Clock {
        Instant now = Instant.parse("2026-01-01T00:00:00Z");

        @Override
        public ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(ZoneId zone) {
            return this;
        }

        @Override
        public Instant instant() {
            return now;
        }
    }

    private static UpstreamConfig upstream(String host, boolean credentials) {
        return new UpstreamConfig("up", URI.create("http://" + host + ":" + registry.getPort()), 1,
                credentials ? Optional.of("someone") : Optional.empty(),
                credentials ? Optional.of(new Secret("pw-secret")) : Optional.empty());
    }

    /** The registry wants a Bearer token from {@code realm}, and serves with token {@code token}. */
    private static void bearerRegistry(String realm, String token) {
        registry.stubFor(get(MANIFEST).atPriority(10).willReturn(aResponse().withStatus(401)
                .withHeader("WWW-Authenticate", "Bearer realm=\"" + realm + "\",service=\"reg\",scope=\"" + SCOPE + "\"")));
        registry.stubFor(get(MANIFEST).atPriority(1).withHeader("Authorization", equalTo("Bearer " + token))
                .willReturn(aResponse().withStatus(200).withBody("{}")));
    }

    private static void tokens(WireMockExtension server, String token, int expiresIn) {
        server.stubFor(get(urlPathEqualTo("/token")).willReturn(aResponse().withStatus(200)
                .withBody("{\"token\":\"" + token + "\",\"expires_in\":" + expiresIn + "}")));
    }

    private static int fetch(UpstreamClient client) throws Exception {
        try (Response response = client.send(UpstreamRequest.get(MANIFEST, SCOPE))) {
            return response.code();
        }
    }

    private static List<LoggedRequest> tokenRequests(WireMockExtension server) {
        return server.getAllServeEvents().stream().map(e -> e.getRequest()).filter(r -> r.getUrl().startsWith("/token")).toList();
    }

    @Test
    void credentialsNeverGoToAPlainHttpRealmOnAnotherHost() throws Exception {
        // the upstream is "localhost", its realm is "127.0.0.1": another host, over plain http
        bearerRegistry("http://127.0.0.1:" + auth.getPort() + "/token", "anon");
        tokens(auth, "anon", 300);
        UpstreamClient client = new UpstreamClient(upstream("localhost", true), HTTP);

        assertEquals(200, fetch(client), "an anonymous token is still fetched");

        List<LoggedRequest> requests = tokenRequests(auth);
        assertEquals(1, requests.size());
        assertFalse(requests.get(0).containsHeader("Authorization"), "credentials leaked to " + requests.get(0).getAbsoluteUrl());
        assertEquals("reg", requests.get(0).queryParameter("service").firstValue());
        assertEquals(SCOPE, requests.get(0).queryParameter("scope").firstValue());
    }

    @Test
    void credentialsGoToARealmOnTheUpstreamsOwnHostAsBasic() throws Exception {
        bearerRegistry("http://127.0.0.1:" + registry.getPort() + "/token", "authed");
        tokens(registry, "authed", 300);
        UpstreamClient client = new UpstreamClient(upstream("127.0.0.1", true), HTTP);

        assertEquals(200, fetch(client));

        List<LoggedRequest> requests = tokenRequests(registry);
        assertEquals(1, requests.size());
        assertEquals(BASIC, requests.get(0).getHeader("Authorization"));
        registry.verify(0, getRequestedFor(urlEqualTo(MANIFEST)).withHeader("Authorization", equalTo(BASIC)));
    }

    @Test
    void tokenIsReusedUntilShortlyBeforeExpiryThenRenewed() throws Exception {
        bearerRegistry("http://127.0.0.1:" + registry.getPort() + "/token", "t");
        tokens(registry, "t", 300);
        TestClock clock = new TestClock();
        AtomicInteger hits = new AtomicInteger();
        AtomicInteger misses = new AtomicInteger();
        UpstreamClient client = new UpstreamClient(upstream("127.0.0.1", false), HTTP, clock, new TokenCacheListener() {
            @Override
            public void hit(String upstream) {
                hits.incrementAndGet();
            }

            @Override
            public void miss(String upstream) {
                misses.incrementAndGet();
            }
        });
        Instant start = clock.now;

        assertEquals(200, fetch(client));
        clock.now = start.plus(Duration.ofSeconds(250));
        assertEquals(200, fetch(client));
        assertEquals(1, tokenRequests(registry).size(), "still fresh after 250 of 300 s");
        clock.now = start.plus(Duration.ofSeconds(299));
        assertEquals(200, fetch(client));
        assertEquals(2, tokenRequests(registry).size(), "renewed before it expires in flight");
        assertEquals(1, hits.get());
        assertEquals(2, misses.get());
    }

    @Test
    void aTokenShorterThanAMinuteCountsAsAMinute() throws Exception {
        bearerRegistry("http://127.0.0.1:" + registry.getPort() + "/token", "t");
        tokens(registry, "t", 5);
        TestClock clock = new TestClock();
        UpstreamClient client = new UpstreamClient(upstream("127.0.0.1", false), HTTP, clock, TokenCacheListener.NONE);
        Instant start = clock.now;
        assertEquals(200, fetch(client));
        clock.now = start.plus(Duration.ofSeconds(30));
        assertEquals(200, fetch(client));
        assertEquals(1, tokenRequests(registry).size());
    }

    @Test
    void aFreshTokenRefusedAsInvalidIsAnUpstreamFault() {
        registry.stubFor(get(MANIFEST).atPriority(10).willReturn(aResponse().withStatus(401)
                .withHeader("WWW-Authenticate", "Bearer realm=\"http://127.0.0.1:" + registry.getPort() + "/token\",service=\"reg\"")));
        registry.stubFor(get(MANIFEST).atPriority(1).withHeader("Authorization", equalTo("Bearer bad"))
                .willReturn(aResponse().withStatus(401).withHeader("WWW-Authenticate",
                        "Bearer realm=\"http://127.0.0.1:" + registry.getPort() + "/token\",service=\"reg\",error=\"invalid_token\"")));
        tokens(registry, "bad", 300);
        UpstreamClient client = new UpstreamClient(upstream("127.0.0.1", false), HTTP);

        UpstreamAuthException e = assertThrows(UpstreamAuthException.class, () -> fetch(client));
        assertEquals(401, e.status());
        assertEquals("the registry refused a freshly issued token as invalid_token (401)", e.note());
    }

    @Test
    void refusedBasicCredentialsAreAnUpstreamFaultOnTheFirstRequest() {
        registry.stubFor(get(MANIFEST).willReturn(aResponse().withStatus(401).withHeader("WWW-Authenticate", "Basic realm=\"r\"")));
        UpstreamClient client = new UpstreamClient(upstream("127.0.0.1", true), HTTP);

        UpstreamAuthException e = assertThrows(UpstreamAuthException.class, () -> fetch(client));
        assertEquals("the registry refused the basic credentials (401)", e.note(), "no token endpoint is involved");
        assertEquals("up: the registry refused the basic credentials (401)", e.getMessage());
        assertEquals(java.util.Optional.empty(), e.step(), "the refused step is the registry request itself");
        registry.verify(1, getRequestedFor(urlEqualTo(MANIFEST)).withHeader("Authorization", equalTo(BASIC)));
        registry.verify(1, getRequestedFor(urlEqualTo(MANIFEST)).withHeader("Authorization", absent()));
    }

    @Test
    void basicAuthWithoutCredentialsIsALoginWallOfTheRegistry() {
        registry.stubFor(get(MANIFEST).willReturn(aResponse().withStatus(401).withHeader("WWW-Authenticate", "Basic realm=\"r\"")));
        UpstreamClient client = new UpstreamClient(upstream("127.0.0.1", false), HTTP);

        UpstreamAuthException e = assertThrows(UpstreamAuthException.class, () -> fetch(client));
        assertEquals("the registry requires basic-auth credentials, none configured (401)", e.note());
        assertFalse(e.getMessage().contains("token endpoint"), e.getMessage());
    }

    @Test
    void tokenEndpointRefusalIsAnUpstreamAuthException() {
        bearerRegistry("http://127.0.0.1:" + registry.getPort() + "/token", "t");
        registry.stubFor(get(urlPathEqualTo("/token")).willReturn(aResponse().withStatus(401).withBody("login required")));
        UpstreamClient client = new UpstreamClient(upstream("127.0.0.1", false), HTTP);

        UpstreamAuthException e = assertThrows(UpstreamAuthException.class, () -> fetch(client));
        assertEquals(401, e.status());
        assertEquals("login required", e.detail());
        assertEquals("token endpoint 401: login required", e.note());
    }

    @Test
    void endlessRedirectsAreAFaultNeverARedirectHandedBack() {
        registry.stubFor(get(MANIFEST).willReturn(aResponse().withStatus(302).withHeader("Location", MANIFEST)));
        UpstreamClient client = new UpstreamClient(upstream("127.0.0.1", false), HTTP);

        java.io.IOException e = assertThrows(java.io.IOException.class, () -> fetch(client));
        assertEquals("more than 5 redirects for GET " + MANIFEST + " (a redirect loop)", e.getMessage());
        registry.verify(6, getRequestedFor(urlEqualTo(MANIFEST)));
    }

    @Test
    void seeOtherTurnsIntoGetButHeadStaysHead() throws Exception {
        registry.stubFor(head(urlEqualTo(MANIFEST)).willReturn(aResponse().withStatus(303).withHeader("Location", "/elsewhere")));
        registry.stubFor(head(urlEqualTo("/elsewhere")).willReturn(aResponse().withStatus(200).withHeader("Content-Length", "77")));
        UpstreamClient client = new UpstreamClient(upstream("127.0.0.1", false), HTTP);
        try (Response response = client.send(UpstreamRequest.head(MANIFEST, SCOPE))) {
            assertEquals(200, response.code());
            assertEquals("77", response.header("Content-Length"));
        }
        registry.verify(1, headRequestedFor(urlEqualTo("/elsewhere")));
    }
}
