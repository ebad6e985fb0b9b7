package io.mirrorswitch.harness;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.zip.GZIPInputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The hand-written OCI layout is valid for independent tools and reproducible. */
class OciImageTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path tmp;

    @Test
    void sameSeedGivesTheSameImageAndAnotherSeedADifferentOne() {
        OciImage first = OciImage.builder().layers(2, 2000).seed(7).build(tmp.resolve("a"));
        OciImage again = OciImage.builder().layers(2, 2000).seed(7).build(tmp.resolve("b"));
        OciImage other = OciImage.builder().layers(2, 2000).seed(8).build(tmp.resolve("c"));

        assertEquals(first.manifestDigest(), again.manifestDigest());
        assertNotEquals(first.manifestDigest(), other.manifestDigest());
        assertNotEquals(first.layerDigests().get(0), other.layerDigests().get(0));
        assertNotEquals(first.layerDigests().get(0), first.layerDigests().get(1), "layers of one image differ");
    }

    @Test
    void layoutIsSelfConsistent() throws IOException {
        OciImage image = OciImage.builder().layers(3, 1500).seed(1).build(tmp.resolve("img"));
        Path dir = image.layoutDir();

        JsonNode index = JSON.readTree(dir.resolve("index.json").toFile());
        assertEquals(image.manifestDigest(), index.get("manifests").get(0).get("digest").asText());
        assertEquals("latest", index.get("manifests").get(0).get("annotations")
                .get("org.opencontainers.image.ref.name").asText());
        assertEquals("{\"imageLayoutVersion\":\"1.0.0\"}", Files.readString(dir.resolve("oci-layout")));

        JsonNode manifest = JSON.readTree(image.manifestBytes());
        assertEquals(2, manifest.get("schemaVersion").asInt());
        assertEquals(image.configDigest(), manifest.get("config").get("digest").asText());
        List<String> layerDigests = new ArrayList<>();
        for (JsonNode layer : manifest.get("layers")) {
            layerDigests.add(layer.get("digest").asText());
            assertEquals(Files.size(image.blobFile(layer.get("digest").asText())), layer.get("size").asLong());
        }
        assertEquals(image.layerDigests(), layerDigests);

        JsonNode config = JSON.readTree(image.blobFile(image.configDigest()).toFile());
        assertEquals("amd64", config.get("architecture").asText());
        assertEquals("linux", config.get("os").asText());
        for (int i = 0; i < 3; i++) {
            String diffId = config.get("rootfs").get("diff_ids").get(i).asText();
            try (InputStream tar = new GZIPInputStream(Files.newInputStream(image.blobFile(layerDigests.get(i))))) {
                assertEquals(diffId, Sha256.digest(tar.readAllBytes()), "diff_id of layer " + i);
            }
        }
        for (String digest : image.blobDigests()) {
            assertEquals(Sha256.hexOf(digest), Sha256.hex(image.blobFile(digest)));
        }
    }

    @Test
    void layersAreTarArchivesGnuTarAccepts() {
        OciImage image = OciImage.builder().layers(1, 1234).seed(3).build(tmp.resolve("img"));
        Path layer = image.blobFile(image.layerDigests().get(0));

        // GNU tar checks each header's checksum and refuses the archive when one is wrong.
        ExternalCommand.Result listing = ExternalCommand.of("tar", "-tvzf", layer.toString())
                .timeout(Duration.ofSeconds(10)).logsIn(tmp, "tar").run();

        String line = listing.stdout().trim();
        assertTrue(line.startsWith("-rw-r--r-- root/root"), line);
        assertTrue(line.contains(" 1234 "), line);
        assertTrue(line.endsWith("layer-0.bin"), line);
        assertTrue(listing.stderr().isEmpty(), listing.stderr());
    }

    @Test
    void umociUnpacksTheLayoutIntoTheExpectedFiles() throws IOException {
        OciImage image = OciImage.builder().layers(2, 700).seed(5).build(tmp.resolve("img"));
        Path rootfs = tmp.resolve("rootfs");

        // umoci checks blob digests while reading the layout and applies each layer tar.
        ExternalCommand.of("umoci", "raw", "unpack", "--rootless", "--image",
                        image.layoutDir() + ":" + image.tag(), rootfs.toString())
                .timeout(Duration.ofSeconds(20)).logsIn(tmp, "umoci").run();

        assertEquals(700, Files.size(rootfs.resolve("layer-0.bin")));
        assertEquals(700, Files.size(rootfs.resolve("layer-1.bin")));
    }
}
