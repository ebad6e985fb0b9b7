package io.mirrorswitch.proxy;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.getRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.github.tomakehurst.wiremock.http.Fault;
import com.github.tomakehurst.wiremock.junit5.WireMockExtension;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Before any byte went downstream, an upstream fault moves the same request to the next upstream by priority. */
class FailoverTest {
    private static final String MANIFEST = "/v2/library/alpine/manifests/3.19";

    @RegisterExtension
    static WireMockExtension first = WireMocks.upstream();
    @RegisterExtension
    static WireMockExtension second = WireMocks.upstream();

    private static int closedPort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }

    private static void secondServes() {
        second.stubFor(get(MANIFEST).willReturn(aResponse().withStatus(200).withBody("{\"from\":\"second\"}")));
    }

    private static void assertServedBySecond(HttpResponse<byte[]> response) {
        assertEquals(200, response.statusCode());
        assertEquals("{\"from\":\"second\"}", new String(response.body(), StandardCharsets.UTF_8));
        assertEquals("second", response.headers().firstValue("X-Mirrorswitch-Upstream").orElseThrow());
    }

    @Test
    void refusedConnectionMovesOn() throws IOException {
        secondServes();
        try (Sidecar sidecar = Sidecar.start("{name: dead, url: 'http://127.0.0.1:" + closedPort() + "', priority: 1}",
                "{name: second, url: '" + WireMocks.origin(second) + "', priority: 2}")) {
            assertServedBySecond(sidecar.pull("GET", MANIFEST));
        }
    }

    @Test
    void serverErrorMovesOn() {
        first.stubFor(get(MANIFEST).willReturn(aResponse().withStatus(503).withBody("<html>down</html>")));
        secondServes();
        // file order differs from priority order on purpose
        try (Sidecar sidecar = Sidecar.start("{name: second, url: '" + WireMocks.origin(second) + "', priority: 2}",
                "{name: first, url: '" + WireMocks.origin(first) + "', priority: 1}")) {
            assertServedBySecond(sidecar.pull("GET", MANIFEST));
        }
        first.verify(1, getRequestedFor(urlEqualTo(MANIFEST)));
    }

    @Test
    void resetConnectionAndThrottlingMoveOn() {
        first.stubFor(get(MANIFEST).willReturn(aResponse().withFault(Fault.CONNECTION_RESET_BY_PEER)));
        secondServes();
        try (Sidecar sidecar = Sidecar.start(WireMocks.upstream("first", first), WireMocks.upstream("second", second))) {
            assertServedBySecond(sidecar.pull("GET", MANIFEST));
            first.stubFor(get(MANIFEST).willReturn(aResponse().withStatus(429).withBody("slow down")));
            assertServedBySecond(sidecar.pull("GET", MANIFEST));
        }
    }

    @Test
    void anEndlessRedirectMovesOnAndItsLocationNeverReachesTheCaller() {
        first.stubFor(get(MANIFEST).willReturn(aResponse().withStatus(307).withHeader("Location", WireMocks.origin(first) + MANIFEST)));
        secondServes();
        try (Sidecar sidecar = Sidecar.start(WireMocks.upstream("first", first), WireMocks.upstream("second", second))) {
            HttpResponse<byte[]> response = sidecar.pull("GET", MANIFEST);
            assertServedBySecond(response);
            assertTrue(response.headers().firstValue("Location").isEmpty());
        }
    }

    @Test
    void theFirstHealthyUpstreamServesAndNamesItself() {
        first.stubFor(get(MANIFEST).willReturn(aResponse().withStatus(200).withBody("{\"from\":\"first\"}")));
        secondServes();
        try (Sidecar sidecar = Sidecar.start(WireMocks.upstream("first", first), WireMocks.upstream("second", second))) {
            HttpResponse<byte[]> response = sidecar.pull("GET", MANIFEST);
            assertEquals("first", response.headers().firstValue("X-Mirrorswitch-Upstream").orElseThrow());
        }
        second.verify(0, getRequestedFor(urlEqualTo(MANIFEST)));
    }

    @Test
    void aRegistryErrorAboutTheRequestIsAnAnswerNotAFault() {
        first.stubFor(get(MANIFEST).willReturn(aResponse().withStatus(400).withHeader("Content-Type", "application/json")
                .withBody("{\"errors\":[{\"code\":\"MANIFEST_INVALID\"}]}")));
        secondServes();
        try (Sidecar sidecar = Sidecar.start(WireMocks.upstream("first", first), WireMocks.upstream("second", second))) {
            HttpResponse<byte[]> response = sidecar.pull("GET", MANIFEST);
            assertEquals(400, response.statusCode());
            assertEquals("first", response.headers().firstValue("X-Mirrorswitch-Upstream").orElseThrow());
        }
        second.verify(0, getRequestedFor(urlEqualTo(MANIFEST)));
    }

    @Test
    void aTagUnknownEverywhereIsA404WithTheUpstreamsOwnBody() {
        String unknown = "{\"errors\":[{\"code\":\"MANIFEST_UNKNOWN\",\"message\":\"manifest unknown\"}]}";
        first.stubFor(get(MANIFEST).willReturn(aResponse().withStatus(404).withHeader("Content-Type", "application/json")
                .withBody(unknown)));
        second.stubFor(get(MANIFEST).willReturn(aResponse().withStatus(404).withHeader("Content-Type", "application/json")
                .withBody("{\"errors\":[{\"code\":\"MANIFEST_UNKNOWN\",\"message\":\"second\"}]}")));
        try (Sidecar sidecar = Sidecar.start(WireMocks.upstream("first", first), WireMocks.upstream("second", second))) {
            HttpResponse<byte[]> response = sidecar.pull("GET", MANIFEST);
            assertEquals(404, response.statusCode());
            assertEquals(unknown, new String(response.body(), StandardCharsets.UTF_8));
        }
    }

    @Test
    void allDownIs503WithEveryAttempt() throws IOException {
        first.stubFor(get(MANIFEST).willReturn(aResponse().withStatus(500)));
        try (Sidecar sidecar = Sidecar.start(WireMocks.upstream("first", first),
                "{name: dead, url: 'http://127.0.0.1:" + closedPort() + "'}")) {
            HttpResponse<byte[]> response = sidecar.pull("GET", MANIFEST);
            assertEquals(503, response.statusCode());
            assertEquals("UNAVAILABLE", Sidecar.errorCode(response));
            String detail = Sidecar.json(response).path("errors").path(0).path("detail").toString();
            assertTrue(detail.matches(".*first: .*500.*") && detail.matches(".*dead: .*connect failed.*"), detail);
        }
    }
}
