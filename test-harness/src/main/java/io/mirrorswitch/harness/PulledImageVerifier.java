package io.mirrorswitch.harness;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/** Checks a {@code dir:} transport directory without trusting skopeo's own verification. */
final class PulledImageVerifier {

    private static final ObjectMapper JSON = new ObjectMapper();

    private PulledImageVerifier() {
    }

    static PullResult verify(Path dir, Duration elapsed) {
        long blobBytes = 0;
        try (Stream<Path> files = Files.list(dir)) {
            for (Path file : files.toList()) {
                String name = file.getFileName().toString();
                if (Sha256.isHex(name)) {
                    String actual = Sha256.hex(file);
                    if (!actual.equals(name)) {
                        throw new HarnessException("pulled blob " + file + " hashes to sha256:" + actual);
                    }
                    blobBytes += Files.size(file);
                }
            }
            byte[] manifest = Files.readAllBytes(dir.resolve("manifest.json"));
            List<String> referenced = referencedBlobs(JSON.readTree(manifest));
            for (String digest : referenced) {
                if (!Files.exists(dir.resolve(Sha256.hexOf(digest)))) {
                    throw new HarnessException("manifest in " + dir + " names " + digest + " but it was not pulled");
                }
            }
            return new PullResult(Sha256.digest(manifest), referenced, dir, blobBytes, elapsed);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot verify pulled image in " + dir, e);
        }
    }

    private static List<String> referencedBlobs(JsonNode manifest) {
        List<String> digests = new ArrayList<>();
        if (manifest.hasNonNull("config")) {
            digests.add(manifest.get("config").get("digest").asText());
        }
        for (JsonNode layer : manifest.path("layers")) {
            digests.add(layer.get("digest").asText());
        }
        return digests;
    }
}
