package io.mirrorswitch.health;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.head;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;

import com.github.tomakehurst.wiremock.client.ResponseDefinitionBuilder;
import com.github.tomakehurst.wiremock.junit5.WireMockExtension;
import java.nio.charset.StandardCharsets;
import java.util.Random;

/**
 * A registry served by WireMock with real content: a config blob, a layer, an image manifest and an index,
 * every digest computed from the bytes, so the prober's hash checks run against the real thing.
 */
final class FakeRegistry {
    static final String REPO = "library/alpine";
    static final String TAG = "3.19";
    static final String TAG_PATH = "/v2/" + REPO + "/manifests/" + TAG;

    final byte[] config = ("{\"architecture\":\"amd64\",\"os\":\"linux\",\"rootfs\":{\"type\":\"layers\","
            + "\"diff_ids\":[\"sha256:" + "ab".repeat(32) + "\"]}}").getBytes(StandardCharsets.UTF_8);
    final String configDigest = Digests.compute("sha256:", config);
    final byte[] layer = new byte[8192];
    final String layerDigest;
    final byte[] manifest;
    final String manifestDigest;
    final byte[] index;
    final String indexDigest;

    private final WireMockExtension wm;

    FakeRegistry(WireMockExtension wm) {
        this.wm = wm;
        new Random(42).nextBytes(layer);
        layerDigest = Digests.compute("sha256:", layer);
        manifest = ("{\"schemaVersion\":2,\"mediaType\":\"" + ManifestDocument.OCI_MANIFEST + "\","
                + "\"config\":{\"mediaType\":\"application/vnd.oci.image.config.v1+json\",\"digest\":\"" + configDigest
                + "\",\"size\":" + config.length + "},"
                + "\"layers\":[{\"mediaType\":\"application/vnd.oci.image.layer.v1.tar+gzip\",\"digest\":\"" + layerDigest
                + "\",\"size\":" + layer.length + "}]}").getBytes(StandardCharsets.UTF_8);
        manifestDigest = Digests.compute("sha256:", manifest);
        String attestation = "sha256:" + "cd".repeat(32);
        index = ("{\"schemaVersion\":2,\"mediaType\":\"" + ManifestDocument.OCI_INDEX + "\",\"manifests\":["
                + "{\"mediaType\":\"" + ManifestDocument.OCI_MANIFEST + "\",\"digest\":\"" + attestation + "\",\"size\":500,"
                + "\"platform\":{\"architecture\":\"unknown\",\"os\":\"unknown\"},"
                + "\"annotations\":{\"vnd.docker.reference.type\":\"attestation-manifest\"}},"
                + "{\"mediaType\":\"" + ManifestDocument.OCI_MANIFEST + "\",\"digest\":\"" + manifestDigest + "\",\"size\":"
                + manifest.length + ",\"platform\":{\"architecture\":\"amd64\",\"os\":\"linux\"}}]}")
                .getBytes(StandardCharsets.UTF_8);
        indexDigest = Digests.compute("sha256:", index);
    }

    /** An anonymous registry serving the tag as an image manifest. */
    void serveImage() {
        wm.stubFor(get(urlEqualTo("/v2/")).willReturn(apiRoot()));
        wm.stubFor(head(urlEqualTo(TAG_PATH)).willReturn(manifestHead(manifestDigest, ManifestDocument.OCI_MANIFEST, manifest.length)));
        wm.stubFor(get(urlEqualTo(manifestPath(manifestDigest))).willReturn(manifestBody(manifest, ManifestDocument.OCI_MANIFEST, manifestDigest)));
        wm.stubFor(get(urlEqualTo(blobPath(configDigest))).willReturn(blob(config)));
        wm.stubFor(get(urlEqualTo(blobPath(layerDigest))).willReturn(blob(layer)));
    }

    /** The same, with the tag pointing at a multi-platform index whose first entry is an attestation. */
    void serveIndex() {
        serveImage();
        wm.stubFor(head(urlEqualTo(TAG_PATH)).willReturn(manifestHead(indexDigest, ManifestDocument.OCI_INDEX, index.length)));
        wm.stubFor(get(urlEqualTo(manifestPath(indexDigest))).willReturn(manifestBody(index, ManifestDocument.OCI_INDEX, indexDigest)));
    }

    static ResponseDefinitionBuilder apiRoot() {
        return aResponse().withStatus(200).withHeader("Content-Type", "application/json")
                .withHeader("Docker-Distribution-Api-Version", "registry/2.0").withBody("{}");
    }

    static ResponseDefinitionBuilder manifestHead(String digest, String mediaType, int length) {
        return aResponse().withStatus(200).withHeader("Content-Type", mediaType)
                .withHeader("Docker-Content-Digest", digest).withHeader("Content-Length", String.valueOf(length))
                .withHeader("ratelimit-limit", "100;w=21600").withHeader("ratelimit-remaining", "99;w=21600");
    }

    static ResponseDefinitionBuilder manifestBody(byte[] body, String mediaType, String digest) {
        return aResponse().withStatus(200).withHeader("Content-Type", mediaType)
                .withHeader("Docker-Content-Digest", digest).withBody(body);
    }

    static ResponseDefinitionBuilder blob(byte[] body) {
        return aResponse().withStatus(200).withHeader("Content-Type", "application/octet-stream").withBody(body);
    }

    static String manifestPath(String digest) {
        return "/v2/" + REPO + "/manifests/" + digest;
    }

    static String blobPath(String digest) {
        return "/v2/" + REPO + "/blobs/" + digest;
    }
}
