package io.mirrorswitch.proxy;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.getRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.head;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import com.github.tomakehurst.wiremock.junit5.WireMockExtension;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * What registry:2 gets when upstreams cannot (all) serve: the 404 rules by route, the soonest Retry-After when
 * every upstream throttles, sizes worked out for a blob HEAD that lacks them, and a GET by tag that keeps to the
 * digest its HEAD announced.
 */
class HonestErrorsTest {
    private static final String TAG = "/v2/library/alpine/manifests/3.19";
    private static final byte[] BLOB = "layer bytes".getBytes(StandardCharsets.UTF_8);
    private static final String BLOB_PATH = WireMocks.blobPath("library/alpine", BLOB);
    private static final String NOT_FOUND = "{\"errors\":[{\"code\":\"MANIFEST_UNKNOWN\",\"message\":\"manifest unknown\"}]}";

    @RegisterExtension
    static WireMockExtension first = WireMocks.upstream();
    @RegisterExtension
    static WireMockExtension second = WireMocks.upstream();
    @RegisterExtension
    static WireMockExtension third = WireMocks.upstream();

    private static Sidecar threeUpstreams() {
        return Sidecar.start(WireMocks.upstream("first", first), WireMocks.upstream("second", second),
                WireMocks.upstream("third", third));
    }

    @Test
    void everyUpstreamThrottlingIs429WithTheSoonestRetryAfter() {
        first.stubFor(get(TAG).willReturn(aResponse().withStatus(429).withHeader("Retry-After", "600")));
        second.stubFor(get(TAG).willReturn(aResponse().withStatus(429).withHeader("Retry-After", "30")
                .withHeader("Content-Type", "text/html").withBody("<html>slow down</html>")));
        third.stubFor(get(TAG).willReturn(aResponse().withStatus(429).withHeader("Retry-After", "3600")));
        try (Sidecar sidecar = threeUpstreams()) {
            HttpResponse<byte[]> response = sidecar.pull("GET", TAG);
            assertEquals(429, response.statusCode());
            assertEquals("TOOMANYREQUESTS", Sidecar.errorCode(response));
            long retryAfter = Long.parseLong(response.headers().firstValue("Retry-After").orElseThrow());
            assertEquals(30, retryAfter, 2);
        }
    }

    @Test
    void aBlobMissingOnPartialMirrorsIsFetchedFromTheOneThatHasIt() {
        first.stubFor(get(BLOB_PATH).willReturn(aResponse().withStatus(404)));
        second.stubFor(get(BLOB_PATH).willReturn(aResponse().withStatus(404)));
        third.stubFor(get(BLOB_PATH).willReturn(aResponse().withStatus(200).withBody(BLOB)));
        try (Sidecar sidecar = threeUpstreams()) {
            HttpResponse<byte[]> response = sidecar.pull("GET", BLOB_PATH);
            assertEquals(200, response.statusCode());
            assertArrayEquals(BLOB, response.body());
            assertEquals("third", response.headers().firstValue("X-Mirrorswitch-Upstream").orElseThrow());
        }
    }

    @Test
    void aTagUnknownIsAskedOfOneMoreUpstreamThenReturnedAsTheUpstreamSaidIt() {
        first.stubFor(get(TAG).willReturn(aResponse().withStatus(404).withHeader("Content-Type", "application/json").withBody(NOT_FOUND)));
        second.stubFor(get(TAG).willReturn(aResponse().withStatus(404).withHeader("Content-Type", "application/json").withBody(NOT_FOUND)));
        third.stubFor(get(TAG).willReturn(aResponse().withStatus(200).withBody("{}")));
        try (Sidecar sidecar = threeUpstreams()) {
            HttpResponse<byte[]> response = sidecar.pull("GET", TAG);
            assertEquals(404, response.statusCode());
            assertEquals(NOT_FOUND, new String(response.body(), StandardCharsets.UTF_8));
        }
        second.verify(1, getRequestedFor(urlEqualTo(TAG)));
        third.verify(0, getRequestedFor(urlEqualTo(TAG)));
    }

    @Test
    void aRangeBeyondTheBlobIsTheClientsMistakeNotAnUpstreamFault() {
        first.stubFor(get(BLOB_PATH).willReturn(aResponse().withStatus(416).withHeader("Content-Type", "text/plain; charset=utf-8")
                .withBody("invalid range: failed to overlap")));
        try (Sidecar sidecar = threeUpstreams()) {
            HttpResponse<byte[]> response = sidecar.pull("GET", BLOB_PATH, "Range", "bytes=40000000-");
            assertEquals(416, response.statusCode());
            assertEquals("first", response.headers().firstValue("X-Mirrorswitch-Upstream").orElseThrow());
        }
        second.verify(0, getRequestedFor(urlEqualTo(BLOB_PATH)));
    }

    @Test
    void aBlobHeadWithoutLengthGetsItsSizeFromARangedGet() {
        first.stubFor(head(urlEqualTo(BLOB_PATH)).willReturn(aResponse().withStatus(200).withHeader("Transfer-Encoding", "chunked")));
        first.stubFor(get(BLOB_PATH).withHeader("Range", com.github.tomakehurst.wiremock.client.WireMock.equalTo("bytes=0-0"))
                .willReturn(aResponse().withStatus(206).withHeader("Content-Range", "bytes 0-0/" + BLOB.length).withBody(new byte[] {BLOB[0]})));
        try (Sidecar sidecar = Sidecar.start(WireMocks.upstream("first", first))) {
            HttpResponse<byte[]> response = sidecar.pull("HEAD", BLOB_PATH);
            assertEquals(200, response.statusCode());
            assertEquals(BLOB.length, response.headers().firstValueAsLong("Content-Length").orElseThrow());
        }
    }

    @Test
    void aGetByTagAfterItsHeadServesTheDigestTheHeadAnnounced() {
        byte[] before = "{\"schemaVersion\":2,\"v\":1}".getBytes(StandardCharsets.UTF_8);
        byte[] after = "{\"schemaVersion\":2,\"v\":2}".getBytes(StandardCharsets.UTF_8);
        String beforeDigest = WireMocks.digest(before);
        String type = "application/vnd.oci.image.manifest.v1+json";
        first.stubFor(head(urlEqualTo(TAG)).willReturn(aResponse().withStatus(200).withHeader("Content-Type", type)
                .withHeader("Docker-Content-Digest", beforeDigest).withHeader("Content-Length", String.valueOf(before.length))));
        // Between registry:2's HEAD and its GET the tag moves on the mirror: a GET by tag would now bring other bytes.
        first.stubFor(get(TAG).willReturn(aResponse().withStatus(200).withHeader("Content-Type", type)
                .withHeader("Docker-Content-Digest", WireMocks.digest(after)).withBody(after)));
        first.stubFor(get("/v2/library/alpine/manifests/" + beforeDigest).willReturn(aResponse().withStatus(200)
                .withHeader("Content-Type", type).withHeader("Docker-Content-Digest", beforeDigest).withBody(before)));
        try (Sidecar sidecar = Sidecar.start(WireMocks.upstream("first", first))) {
            HttpResponse<byte[]> headed = sidecar.pull("HEAD", TAG);
            HttpResponse<byte[]> got = sidecar.pull("GET", TAG);
            assertEquals(beforeDigest, headed.headers().firstValue("Docker-Content-Digest").orElseThrow());
            assertEquals(beforeDigest, got.headers().firstValue("Docker-Content-Digest").orElseThrow());
            assertArrayEquals(before, got.body());
        }
        first.verify(0, getRequestedFor(urlEqualTo(TAG)));
    }
}
