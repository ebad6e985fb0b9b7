package io.mirrorswitch.proxy;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.any;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathMatching;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import com.github.tomakehurst.wiremock.junit5.WireMockExtension;
import io.mirrorswitch.harness.RegistryProcess;
import io.mirrorswitch.harness.SeedStore;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * A HEAD carries the headers its GET would, {@code Content-Length} included, also when the answer is an error:
 * registry:2 and other clients may size or compare by it. docker-registry 2.8 does exactly that for its own 404s
 * (the length of the JSON error, no body), so a HEAD that ends in 404 must announce the size of the error body
 * the GET brings back, whether that body is the upstream's or ours.
 */
class HeadAnswersLikeGetTest {
    private static final String MISSING_DIGEST = "sha256:" + "0123456789abcdef".repeat(4);

    @RegisterExtension
    static WireMockExtension mock = WireMocks.upstream();

    private static RegistryProcess registry;

    @BeforeAll
    static void startRegistry() {
        registry = RegistryProcess.builder().name("head-like-get").seededFrom(SeedStore.shared().storageDir()).start();
    }

    @AfterAll
    static void stopRegistry() {
        registry.close();
    }

    @Test
    void notFoundOnARealRegistryHasTheSameHeadersForHeadAndGet() throws Exception {
        List<String> missing = List.of(
                "/v2/library/alpine/manifests/no-such-tag",
                "/v2/library/alpine/manifests/" + MISSING_DIGEST,
                "/v2/library/alpine/blobs/" + MISSING_DIGEST,
                "/v2/no/such-repo/manifests/latest",
                "/v2/no/such-repo/blobs/" + MISSING_DIGEST);
        try (Sidecar sidecar = Sidecar.start("{name: real, url: '" + registry.url() + "'}")) {
            for (String path : missing) {
                HttpResponse<byte[]> direct = direct("HEAD", path);
                HttpResponse<byte[]> head = sidecar.pull("HEAD", path);
                HttpResponse<byte[]> get = sidecar.pull("GET", path);

                assertEquals(404, head.statusCode(), path);
                assertEquals(404, get.statusCode(), path);
                assertArrayEquals(direct("GET", path).body(), get.body(), path + ": the GET brings the upstream's error");
                assertSameHeaders(get, head, path);
                assertEquals(direct.headers().firstValue("Content-Length"), head.headers().firstValue("Content-Length"),
                        path + ": as docker-registry itself answers the HEAD");
            }
        }
    }

    @Test
    void ourOwnErrorsHaveTheSameHeadersForHeadAndGet() {
        // A 404 without a registry error body is replaced by ours; a 503 everywhere becomes our UNAVAILABLE.
        mock.stubFor(any(urlPathMatching("/v2/library/alpine/manifests/.*")).willReturn(aResponse().withStatus(404)
                .withHeader("Content-Type", "text/plain").withBody("404 page not found")));
        mock.stubFor(any(urlPathMatching("/v2/library/alpine/blobs/.*")).willReturn(aResponse().withStatus(503)
                .withHeader("Content-Type", "application/json").withBody("{\"errors\":[]}")));
        try (Sidecar sidecar = Sidecar.start(WireMocks.upstream("mock", mock))) {
            for (String path : List.of("/v2/library/alpine/manifests/3.19", "/v2/library/alpine/blobs/" + MISSING_DIGEST)) {
                HttpResponse<byte[]> head = sidecar.pull("HEAD", path);
                HttpResponse<byte[]> get = sidecar.pull("GET", path);
                assertEquals(get.statusCode(), head.statusCode(), path);
                assertSameHeaders(get, head, path);
            }
        }
    }

    private static void assertSameHeaders(HttpResponse<byte[]> get, HttpResponse<byte[]> head, String path) {
        assertEquals(String.valueOf(get.body().length), get.headers().firstValue("Content-Length").orElseThrow(), path);
        for (String header : List.of("Content-Length", "Content-Type", "Docker-Distribution-Api-Version", "X-Mirrorswitch-Upstream")) {
            assertEquals(get.headers().firstValue(header), head.headers().firstValue(header), path + ": " + header);
        }
        assertEquals(0, head.body().length, path + ": a HEAD has no body");
    }

    private static HttpResponse<byte[]> direct(String method, String path) throws Exception {
        return HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(registry.url() + path))
                .method(method, HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.ofByteArray());
    }
}
