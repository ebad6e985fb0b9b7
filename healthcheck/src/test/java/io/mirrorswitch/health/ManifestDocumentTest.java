package io.mirrorswitch.health;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** What the prober reads out of manifests, and what it refuses as not a manifest. */
class ManifestDocumentTest {
    private static final String A = "sha256:" + "a".repeat(64);
    private static final String B = "sha256:" + "b".repeat(64);

    private static ManifestDocument parse(String json) {
        return ManifestDocument.parse(json.getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void smallestBlobOfAnImageManifest() {
        ManifestDocument m = parse("{\"schemaVersion\":2,\"mediaType\":\"application/vnd.docker.distribution.manifest.v2+json\","
                + "\"config\":{\"digest\":\"" + A + "\",\"size\":1500},\"layers\":[{\"digest\":\"" + B + "\",\"size\":300}]}");
        assertEquals(ManifestDocument.Kind.IMAGE, m.kind());
        assertEquals(B, m.smallestBlob().digest(), "a layer smaller than the config is the cheaper check");
    }

    @Test
    void firstPlatformOfAnIndexSkipsAttestations() {
        ManifestDocument m = parse("{\"schemaVersion\":2,\"manifests\":["
                + "{\"digest\":\"" + A + "\",\"size\":1,\"platform\":{\"os\":\"unknown\",\"architecture\":\"unknown\"}},"
                + "{\"digest\":\"" + B + "\",\"size\":1,\"platform\":{\"os\":\"linux\",\"architecture\":\"amd64\"}}]}");
        assertEquals(ManifestDocument.Kind.INDEX, m.kind());
        assertEquals(B, m.firstPlatformManifest().digest());
    }

    @Test
    void schema1NamesItsRepository() {
        ManifestDocument m = parse("{\"schemaVersion\":1,\"name\":\"library/busybox\",\"tag\":\"latest\","
                + "\"fsLayers\":[{\"blobSum\":\"" + A + "\"}]}");
        assertEquals("library/busybox", m.schema1Name().orElseThrow());
        assertEquals(A, m.smallestBlob().digest());
    }

    @Test
    void nonManifestsAreRefusedWithAReason() {
        assertEquals("manifest is not JSON",
                assertThrows(IllegalArgumentException.class, () -> parse("<html>")).getMessage());
        assertEquals("JSON is neither an image manifest nor an index",
                assertThrows(IllegalArgumentException.class, () -> parse("{\"schemaVersion\":2}")).getMessage());
        assertEquals("index declares mediaType application/vnd.oci.image.manifest.v1+json",
                assertThrows(IllegalArgumentException.class, () -> parse(
                        "{\"schemaVersion\":2,\"mediaType\":\"application/vnd.oci.image.manifest.v1+json\",\"manifests\":[]}"))
                        .getMessage());
        assertThrows(IllegalArgumentException.class, () -> parse("{\"schemaVersion\":2,\"config\":{\"digest\":\"md5:x\"},\"layers\":[]}")
                .smallestBlob());
    }
}
