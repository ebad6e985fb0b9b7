package io.mirrorswitch.harness.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.mirrorswitch.harness.Sha256;
import io.mirrorswitch.harness.StorageBlobs;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * The benchmark's upstream content, written straight into docker-registry's filesystem storage layout
 * ({@code docker/registry/v2/blobs/sha256/<2>/<hex>/data}, the repository's {@code _layers} links, manifest
 * revision and tag links) instead of being pushed: gigabytes are written in seconds, and kept between runs
 * (same layout version and sizes = same bytes, so a second run reuses them).
 */
final class SeedData {
    static final String BLOB_REPO = "bench/blobs";
    static final String IMAGE_REPO = "bench/image";
    static final String IMAGE_TAG = "v1";
    static final String TINY_REPO = "bench/tiny";
    static final String TINY_TAG = "latest";
    static final String OCI_MANIFEST = "application/vnd.oci.image.manifest.v1+json";
    private static final int LAYOUT_VERSION = 1;
    private static final ObjectMapper JSON = new ObjectMapper();

    record Blob(String digest, long size) {
        String hex() {
            return digest.substring("sha256:".length());
        }
    }

    record Image(String repo, String tag, String manifestDigest, long manifestSize, Blob config, List<Blob> layers) {
        long totalBytes() {
            return manifestSize + config.size() + layers.stream().mapToLong(Blob::size).sum();
        }
    }

    /** How much to write; the defaults are the cases of issue 6. */
    record Sizes(long bigBytes, int mediumCount, long mediumBytes, int smallCount, long smallBytes, int imageLayers,
                 long imageLayerBytes) {
        String key() {
            return "v" + LAYOUT_VERSION + "-" + bigBytes + "-" + mediumCount + "x" + mediumBytes + "-" + smallCount + "x"
                    + smallBytes + "-" + imageLayers + "x" + imageLayerBytes;
        }
    }

    final Path storage;
    final Blob big;
    final List<Blob> medium;
    final List<Blob> small;
    final Image image;
    final Image tiny;

    private SeedData(Path storage, Blob big, List<Blob> medium, List<Blob> small, Image image, Image tiny) {
        this.storage = storage;
        this.big = big;
        this.medium = medium;
        this.small = small;
        this.image = image;
        this.tiny = tiny;
    }

    /** Reuses {@code dir/<key>} when complete, otherwise writes it (in parallel, one thread per core). */
    static SeedData prepare(Path dir, Sizes sizes) throws Exception {
        Path root = dir.resolve(sizes.key());
        Path storage = root.resolve("storage");
        Path index = root.resolve("seed.json");
        if (Files.exists(index)) {
            SeedData existing = read(storage, index);
            if (existing != null) {
                return existing;
            }
        }
        if (Files.exists(root)) {
            deleteTree(root);
        }
        Files.createDirectories(storage);
        int threads = Math.max(1, Runtime.getRuntime().availableProcessors());
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        try {
            Future<Blob> big = pool.submit(() -> writeBlob(storage, 1, sizes.bigBytes()));
            List<Future<Blob>> medium = new ArrayList<>();
            for (int i = 0; i < sizes.mediumCount(); i++) {
                long seed = 1000 + i;
                medium.add(pool.submit(() -> writeBlob(storage, seed, sizes.mediumBytes())));
            }
            List<Future<Blob>> small = new ArrayList<>();
            for (int i = 0; i < sizes.smallCount(); i++) {
                long seed = 5000 + i;
                small.add(pool.submit(() -> writeBlob(storage, seed, sizes.smallBytes())));
            }
            List<Future<Blob>> layers = new ArrayList<>();
            for (int i = 0; i < sizes.imageLayers(); i++) {
                long seed = 9000 + i;
                layers.add(pool.submit(() -> writeBlob(storage, seed, sizes.imageLayerBytes())));
            }
            Future<Blob> tinyLayer = pool.submit(() -> writeBlob(storage, 9900, 32 * 1024));
            Blob bigBlob = big.get();
            List<Blob> mediumBlobs = collect(medium);
            List<Blob> smallBlobs = collect(small);
            List<Blob> layerBlobs = collect(layers);
            Image image = writeImage(storage, IMAGE_REPO, IMAGE_TAG, layerBlobs, 1);
            Image tiny = writeImage(storage, TINY_REPO, TINY_TAG, List.of(tinyLayer.get()), 2);
            SeedData data = new SeedData(storage, bigBlob, mediumBlobs, smallBlobs, image, tiny);
            Map<String, Object> doc = new LinkedHashMap<>();
            doc.put("big", bigBlob);
            doc.put("medium", mediumBlobs);
            doc.put("small", smallBlobs);
            doc.put("image", image);
            doc.put("tiny", tiny);
            deleteTree(storage.resolve("tmp-seed"));
            Files.write(index, JSON.writerWithDefaultPrettyPrinter().writeValueAsBytes(doc));
            return data;
        } finally {
            pool.shutdownNow();
        }
    }

    private static List<Blob> collect(List<Future<Blob>> futures) throws Exception {
        List<Blob> out = new ArrayList<>();
        for (Future<Blob> f : futures) {
            out.add(f.get());
        }
        return out;
    }

    private static SeedData read(Path storage, Path index) {
        try {
            var doc = JSON.readTree(index.toFile());
            Blob big = JSON.treeToValue(doc.get("big"), Blob.class);
            List<Blob> medium = List.of(JSON.treeToValue(doc.get("medium"), Blob[].class));
            List<Blob> small = List.of(JSON.treeToValue(doc.get("small"), Blob[].class));
            Image image = JSON.treeToValue(doc.get("image"), Image.class);
            Image tiny = JSON.treeToValue(doc.get("tiny"), Image.class);
            List<Blob> all = new ArrayList<>(medium);
            all.add(big);
            all.addAll(small);
            all.addAll(image.layers());
            for (Blob b : all) {
                Path data = blobData(storage, b);
                if (!Files.isRegularFile(data) || Files.size(data) != b.size()) {
                    return null;
                }
            }
            return new SeedData(storage, big, medium, small, image, tiny);
        } catch (IOException | RuntimeException e) {
            return null;
        }
    }

    static Path blobData(Path storage, Blob blob) {
        return StorageBlobs.data(storage, new StorageBlobs.Blob(blob.digest(), blob.size()));
    }

    /** {@code size} pseudo-random bytes from {@code seed}, hashed while written, under their digest path. */
    private static Blob writeBlob(Path storage, long seed, long size) {
        StorageBlobs.Blob b = StorageBlobs.writeRandom(storage, BLOB_REPO, seed, size);
        return new Blob(b.digest(), b.size());
    }

    private static Blob writeSmallBlob(Path storage, byte[] bytes) throws IOException {
        Blob blob = new Blob(Sha256.digest(bytes), bytes.length);
        Path data = blobData(storage, blob);
        Files.createDirectories(data.getParent());
        Files.write(data, bytes);
        return blob;
    }

    private static void linkLayer(Path storage, String repo, Blob blob) throws IOException {
        StorageBlobs.link(storage, repo, new StorageBlobs.Blob(blob.digest(), blob.size()));
    }

    private static Path repoDir(Path storage, String repo) {
        return storage.resolve("docker/registry/v2/repositories").resolve(repo);
    }

    private static void writeLink(Path link, String digest) throws IOException {
        Files.createDirectories(link.getParent());
        Files.writeString(link, digest);
    }

    private static Image writeImage(Path storage, String repo, String tag, List<Blob> layers, long seed) throws IOException {
        Map<String, Object> config = new LinkedHashMap<>();
        config.put("created", "1970-01-01T00:00:00Z");
        config.put("architecture", "amd64");
        config.put("os", "linux");
        config.put("config", Map.of("Labels", Map.of("io.mirrorswitch.bench.seed", Long.toString(seed))));
        // Layers are random bytes, not tars: registries only check digests, so diff_ids just name them.
        config.put("rootfs", Map.of("type", "layers", "diff_ids", layers.stream().map(Blob::digest).toList()));
        Blob configBlob = writeSmallBlob(storage, JSON.writeValueAsBytes(config));
        Map<String, Object> manifest = new LinkedHashMap<>();
        manifest.put("schemaVersion", 2);
        manifest.put("mediaType", OCI_MANIFEST);
        manifest.put("config", descriptor("application/vnd.oci.image.config.v1+json", configBlob));
        manifest.put("layers", layers.stream().map(l -> descriptor("application/vnd.oci.image.layer.v1.tar+gzip", l)).toList());
        byte[] manifestBytes = JSON.writeValueAsBytes(manifest);
        Blob manifestBlob = writeSmallBlob(storage, manifestBytes);
        linkLayer(storage, repo, configBlob);
        for (Blob layer : layers) {
            linkLayer(storage, repo, layer);
        }
        Path manifests = repoDir(storage, repo).resolve("_manifests");
        writeLink(manifests.resolve("revisions/sha256").resolve(manifestBlob.hex()).resolve("link"), manifestBlob.digest());
        writeLink(manifests.resolve("tags").resolve(tag).resolve("current/link"), manifestBlob.digest());
        writeLink(manifests.resolve("tags").resolve(tag).resolve("index/sha256").resolve(manifestBlob.hex()).resolve("link"),
                manifestBlob.digest());
        return new Image(repo, tag, manifestBlob.digest(), manifestBytes.length, configBlob, List.copyOf(layers));
    }

    private static Map<String, Object> descriptor(String mediaType, Blob blob) {
        Map<String, Object> d = new LinkedHashMap<>();
        d.put("mediaType", mediaType);
        d.put("digest", blob.digest());
        d.put("size", blob.size());
        return d;
    }

    static void deleteTree(Path root) {
        if (!Files.exists(root)) {
            return;
        }
        try (var paths = Files.walk(root)) {
            for (Path p : paths.sorted(java.util.Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot delete " + root, e);
        }
    }
}
