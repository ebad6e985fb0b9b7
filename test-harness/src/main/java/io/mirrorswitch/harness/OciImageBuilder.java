package io.mirrorswitch.harness;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * Writes a small but real single-platform OCI image layout (blobs/sha256/*, index.json, oci-layout)
 * without any external tool. The same options always give byte-identical blobs; different seeds give
 * different images.
 */
public final class OciImageBuilder {

    static final String MANIFEST_TYPE = "application/vnd.oci.image.manifest.v1+json";
    static final String CONFIG_TYPE = "application/vnd.oci.image.config.v1+json";
    static final String LAYER_TYPE = "application/vnd.oci.image.layer.v1.tar+gzip";
    private static final ObjectMapper JSON = new ObjectMapper();

    private int layerCount = 1;
    private int bytesPerLayer = 1024;
    private long seed;
    private String tag = "latest";

    OciImageBuilder() {
    }

    /** {@code count} layers (at least one), each a tar of one file of {@code bytesEach} random bytes. */
    public OciImageBuilder layers(int count, int bytesEach) {
        if (count < 1 || bytesEach < 0) {
            throw new IllegalArgumentException("need at least one layer and a non-negative size");
        }
        this.layerCount = count;
        this.bytesPerLayer = bytesEach;
        return this;
    }

    public OciImageBuilder seed(long seed) {
        this.seed = seed;
        return this;
    }

    /** The reference name inside the layout ({@code oci:<dir>:<tag>}); default "latest". */
    public OciImageBuilder tag(String tag) {
        this.tag = tag;
        return this;
    }

    /** Writes the layout into {@code dir}, which must not exist or be empty. */
    public OciImage build(Path dir) {
        try {
            if (Files.isDirectory(dir)) {
                try (var entries = Files.list(dir)) {
                    if (entries.findAny().isPresent()) {
                        throw new HarnessException("OCI layout directory " + dir + " is not empty");
                    }
                }
            }
            Path blobDir = Files.createDirectories(dir.resolve("blobs").resolve("sha256"));
            SplittableRandom random = new SplittableRandom(seed);
            List<LayerBlob> layers = new ArrayList<>();
            for (int i = 0; i < layerCount; i++) {
                layers.add(LayerBlob.write(blobDir, "layer-" + i + ".bin", bytesPerLayer, random.split()));
            }
            byte[] config = JSON.writeValueAsBytes(config(layers));
            String configDigest = writeBlob(blobDir, config);
            byte[] manifest = JSON.writeValueAsBytes(manifest(configDigest, config.length, layers));
            String manifestDigest = writeBlob(blobDir, manifest);
            Files.write(dir.resolve("index.json"), JSON.writeValueAsBytes(index(manifestDigest, manifest.length)));
            Files.writeString(dir.resolve("oci-layout"), "{\"imageLayoutVersion\":\"1.0.0\"}");
            return new OciImage(dir, tag, seed, manifest, manifestDigest, configDigest, config.length, layers);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write OCI layout " + dir, e);
        }
    }

    private Map<String, Object> config(List<LayerBlob> layers) {
        Map<String, Object> config = new LinkedHashMap<>();
        config.put("created", "1970-01-01T00:00:00Z");
        config.put("architecture", "amd64");
        config.put("os", "linux");
        // The seed as a label makes images of different seeds differ even in their config.
        config.put("config", Map.of("Labels", Map.of("io.mirrorswitch.harness.seed", Long.toString(seed))));
        config.put("rootfs", Map.of("type", "layers", "diff_ids", layers.stream().map(LayerBlob::diffId).toList()));
        return config;
    }

    private static Map<String, Object> manifest(String configDigest, long configSize, List<LayerBlob> layers) {
        Map<String, Object> manifest = new LinkedHashMap<>();
        manifest.put("schemaVersion", 2);
        manifest.put("mediaType", MANIFEST_TYPE);
        manifest.put("config", descriptor(CONFIG_TYPE, configDigest, configSize));
        manifest.put("layers", layers.stream().map(l -> descriptor(LAYER_TYPE, l.digest(), l.size())).toList());
        return manifest;
    }

    private Map<String, Object> index(String manifestDigest, long manifestSize) {
        Map<String, Object> descriptor = descriptor(MANIFEST_TYPE, manifestDigest, manifestSize);
        descriptor.put("annotations", Map.of("org.opencontainers.image.ref.name", tag));
        Map<String, Object> index = new LinkedHashMap<>();
        index.put("schemaVersion", 2);
        index.put("manifests", List.of(descriptor));
        return index;
    }

    private static Map<String, Object> descriptor(String mediaType, String digest, long size) {
        Map<String, Object> descriptor = new LinkedHashMap<>();
        descriptor.put("mediaType", mediaType);
        descriptor.put("digest", digest);
        descriptor.put("size", size);
        return descriptor;
    }

    private static String writeBlob(Path blobDir, byte[] bytes) throws IOException {
        String hex = Sha256.hex(bytes);
        Files.write(blobDir.resolve(hex), bytes);
        return "sha256:" + hex;
    }
}
