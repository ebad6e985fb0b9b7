package io.mirrorswitch.proxy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.github.tomakehurst.wiremock.junit5.WireMockExtension;
import java.net.http.HttpResponse;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Requests mirrorswitch refuses itself, always with a valid token and never with upstream I/O: pulls only, no open proxy. */
class RefusalTest {
    private static final String DIGEST = "sha256:" + "0f".repeat(32);

    @RegisterExtension
    static WireMockExtension upstream = WireMocks.upstream();

    private Sidecar sidecar;
    private String token;

    @BeforeEach
    void start() {
        sidecar = Sidecar.start(WireMocks.upstream("up", upstream));
        token = sidecar.token("repository:library/alpine:pull");
    }

    @AfterEach
    void stop() {
        sidecar.close();
        assertTrue(WireMocks.received(upstream).isEmpty(), "the upstream must not see any of these: " + WireMocks.received(upstream));
    }

    @Test
    void writesAre405Unsupported() {
        for (String method : new String[] {"PUT", "POST", "DELETE", "PATCH"}) {
            for (String path : new String[] {"/v2/library/alpine/manifests/3.19", "/v2/library/alpine/blobs/uploads/", "/v2/"}) {
                HttpResponse<byte[]> response = sidecar.send(method, path, token);
                assertEquals(405, response.statusCode(), method + " " + path);
                assertEquals("UNSUPPORTED", Sidecar.errorCode(response), method + " " + path);
                assertEquals("registry/2.0", response.headers().firstValue("Docker-Distribution-Api-Version").orElseThrow());
                assertEquals("GET, HEAD", response.headers().firstValue("Allow").orElseThrow(), method + " " + path);
            }
        }
        assertEquals(405, sidecar.send("GET", "/v2/library/alpine/blobs/uploads/x", token).statusCode());
    }

    @Test
    void grammarViolationsAre400() {
        assertRefused("/v2/Library/Alpine/manifests/3.19", 400, "NAME_INVALID");
        assertRefused("/v2/library/alpine/manifests/-bad", 400, "TAG_INVALID");
        assertRefused("/v2/library/alpine/blobs/sha256:xyz", 400, "DIGEST_INVALID");
        assertRefused("/v2/library/alpine/manifests/sha256:" + "A".repeat(64), 400, "DIGEST_INVALID");
    }

    @Test
    void digestsWeCannotVerifyAre400BeforeAnyUpstreamIsAsked() {
        for (String digest : new String[] {"md5:" + "0f".repeat(32), "sha384:" + "0f".repeat(48)}) {
            assertRefused("/v2/library/alpine/blobs/" + digest, 400, "DIGEST_INVALID");
            assertRefused("/v2/library/alpine/manifests/" + digest, 400, "DIGEST_INVALID");
        }
        HttpResponse<byte[]> response = sidecar.send("GET", "/v2/library/alpine/blobs/md5:" + "0f".repeat(32), token);
        assertEquals("registry/2.0", response.headers().firstValue("Docker-Distribution-Api-Version").orElseThrow());
        assertTrue(Sidecar.json(response).path("errors").path(0).path("message").asText().contains("sha256 and sha512"));
    }

    @Test
    void otherPathsAre404() {
        assertRefused("/v2/_catalog", 404, "NOT_FOUND");
        assertRefused("/", 404, "NOT_FOUND");
        assertRefused("/healthz", 404, "NOT_FOUND");
        assertRefused("/v1/search", 404, "NOT_FOUND");
        assertRefused("/v2/library/alpine", 404, "NOT_FOUND");
    }

    private void assertRefused(String path, int status, String code) {
        for (String method : new String[] {"GET", "HEAD"}) {
            HttpResponse<byte[]> response = sidecar.send(method, path, token);
            assertEquals(status, response.statusCode(), method + " " + path);
            if (method.equals("GET")) {
                assertEquals(code, Sidecar.errorCode(response), path);
            }
        }
    }

    @Test
    void pathTraversalGoesNowhere() throws Exception {
        String[] paths = {"/v2/../../etc/passwd", "/v2/%2e%2e/%2e%2e/etc/passwd", "/v2/library/../../v2/x/manifests/latest",
                "/v2/library/%2e%2e/alpine/manifests/latest", "/v2/library%2Falpine/manifests/latest", "/v2/./library/alpine/tags/list",
                "/v2/library/alpine/blobs/..%2F..%2Fetc%2Fpasswd"};
        for (String path : paths) {
            RawHttp.Response response = RawHttp.exchange(sidecar.port(),
                    "GET " + path + " HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer " + token);
            assertTrue(response.status() == 400 || response.status() == 404, path + " -> " + response.status());
        }
    }

    @Test
    void absoluteFormIsNotProxied() throws Exception {
        for (String target : new String[] {"http://example.com/v2/", WireMocks.origin(upstream) + "/v2/library/alpine/manifests/3.19"}) {
            String host = java.net.URI.create(target).getRawAuthority();
            RawHttp.Response response = RawHttp.exchange(sidecar.port(),
                    "GET " + target + " HTTP/1.1\r\nHost: " + host + "\r\nAuthorization: Bearer " + token);
            assertEquals(400, response.status(), target);
            assertTrue(response.bodyText().contains("\"UNSUPPORTED\""), response.bodyText());
        }
    }

    @Test
    void connectIsNotProxied() throws Exception {
        String target = "127.0.0.1:" + upstream.getPort();
        RawHttp.Response response = RawHttp.exchange(sidecar.port(), "CONNECT " + target + " HTTP/1.1\r\nHost: " + target);
        assertTrue(response.status() >= 400 && response.status() < 500, "CONNECT -> " + response.status());
        assertTrue(response.bodyText().contains("\"UNSUPPORTED\""), response.bodyText());
    }
}
