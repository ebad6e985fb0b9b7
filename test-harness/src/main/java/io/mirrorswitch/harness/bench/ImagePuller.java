package io.mirrorswitch.harness.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.mirrorswitch.harness.Sha256;
import java.io.IOException;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

/** Pulls an image like a client (case 4): manifest by tag, then the config, then the layers three at a time. */
final class ImagePuller {
    private static final ObjectMapper JSON = new ObjectMapper();
    /** Layers fetched at once, as docker does. */
    private static final int PARALLEL_LAYERS = 3;

    private ImagePuller() {
    }

    /** Pulls {@code image} from {@code origin} (anonymously), checking every digest. */
    static void pull(String origin, SeedData.Image image) throws Exception {
        JsonNode manifest;
        try (Http1 c = Http1.to(origin, 64 * 1024)) {
            List<String> headers = new ArrayList<>(Target.MANIFEST_ACCEPT);
            headers.add(Target.USER_AGENT);
            Http1.Response r = c.getKeep(RegistryApi.manifestPath(image.repo(), image.tag()), headers, 60_000);
            if (r.status() != 200 || !Sha256.digest(r.body()).equals(image.manifestDigest())) {
                throw new IOException("manifest from " + origin + ": " + r.status() + " " + r.bodyText());
            }
            manifest = JSON.readTree(r.body());
        }
        JsonNode config = manifest.get("config");
        fetchVerified(origin, image.repo(), config.get("digest").asText(), config.get("size").asLong());
        ExecutorService pool = Executors.newFixedThreadPool(PARALLEL_LAYERS);
        try {
            List<Future<?>> futures = new ArrayList<>();
            for (JsonNode layer : manifest.get("layers")) {
                futures.add(pool.submit(() -> {
                    fetchVerified(origin, image.repo(), layer.get("digest").asText(), layer.get("size").asLong());
                    return null;
                }));
            }
            for (Future<?> f : futures) {
                f.get(300, TimeUnit.SECONDS);
            }
        } finally {
            pool.shutdownNow();
        }
    }

    /** GETs one blob on its own connection, hashing the body as it arrives; fails unless it hashes to its digest. */
    private static void fetchVerified(String origin, String repo, String digest, long size) throws IOException {
        MessageDigest sha = Sha256.newDigest();
        try (Http1 c = Http1.to(origin, 256 * 1024)) {
            Http1.Response r = c.exchange("GET", RegistryApi.blobPath(repo, digest), List.of(Target.USER_AGENT),
                    Http1.digesting(sha), false, 300_000);
            RegistryApi.check(r, 200, size, "blob " + digest);
        }
        String actual = "sha256:" + HexFormat.of().formatHex(sha.digest());
        if (!actual.equals(digest)) {
            throw new IOException("blob " + digest + " from " + origin + " hashed to " + actual);
        }
    }
}
