package io.mirrorswitch.health;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * The parts of a manifest a probe needs: is it an image manifest, an index or a legacy schema 1 manifest, which
 * blobs it references, which platform manifest an index lists first. Anything that is not a manifest is
 * rejected with a reason, since an upstream serving it is {@code corrupt}.
 */
final class ManifestDocument {
    enum Kind { IMAGE, INDEX, SCHEMA1 }

    /** A content reference inside a manifest; {@code size} is -1 when the format does not give one. */
    record Descriptor(String mediaType, String digest, long size) {
    }

    static final String DOCKER_MANIFEST = "application/vnd.docker.distribution.manifest.v2+json";
    static final String DOCKER_LIST = "application/vnd.docker.distribution.manifest.list.v2+json";
    static final String OCI_MANIFEST = "application/vnd.oci.image.manifest.v1+json";
    static final String OCI_INDEX = "application/vnd.oci.image.index.v1+json";
    static final String DOCKER_SCHEMA1_SIGNED = "application/vnd.docker.distribution.manifest.v1+prettyjws";
    /** Every manifest type a pull accepts, as registry:2 asks for them. */
    static final String ACCEPT = String.join(", ", DOCKER_MANIFEST, DOCKER_LIST, OCI_MANIFEST, OCI_INDEX,
            DOCKER_SCHEMA1_SIGNED, "application/json");

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Set<String> IMAGE_TYPES = Set.of(DOCKER_MANIFEST, OCI_MANIFEST);
    private static final Set<String> INDEX_TYPES = Set.of(DOCKER_LIST, OCI_INDEX);

    private final Kind kind;
    private final JsonNode root;

    private ManifestDocument(Kind kind, JsonNode root) {
        this.kind = kind;
        this.root = root;
    }

    /** @throws IllegalArgumentException with a reason when the bytes are not a manifest */
    static ManifestDocument parse(byte[] bytes) {
        JsonNode root;
        try {
            root = JSON.readTree(bytes);
        } catch (IOException e) {
            throw new IllegalArgumentException("manifest is not JSON");
        }
        if (root == null || !root.isObject()) {
            throw new IllegalArgumentException("manifest is not a JSON object");
        }
        int schemaVersion = root.path("schemaVersion").asInt(0);
        String mediaType = root.path("mediaType").asText("");
        if (schemaVersion == 1 && root.path("fsLayers").isArray()) {
            return new ManifestDocument(Kind.SCHEMA1, root);
        }
        if (schemaVersion != 2) {
            throw new IllegalArgumentException("manifest has schemaVersion " + schemaVersion + ", expected 2");
        }
        if (root.path("manifests").isArray()) {
            if (!mediaType.isEmpty() && !INDEX_TYPES.contains(mediaType)) {
                throw new IllegalArgumentException("index declares mediaType " + mediaType);
            }
            return new ManifestDocument(Kind.INDEX, root);
        }
        if (root.path("config").isObject() && root.path("layers").isArray()) {
            if (!mediaType.isEmpty() && !IMAGE_TYPES.contains(mediaType)) {
                throw new IllegalArgumentException("image manifest declares mediaType " + mediaType);
            }
            return new ManifestDocument(Kind.IMAGE, root);
        }
        throw new IllegalArgumentException("JSON is neither an image manifest nor an index");
    }

    Kind kind() {
        return kind;
    }

    /** A schema 1 manifest names its repository; newer formats do not. */
    Optional<String> schema1Name() {
        return kind == Kind.SCHEMA1 ? Optional.of(root.path("name").asText("")) : Optional.empty();
    }

    /** The smallest blob an image manifest references (usually its config), the first layer of a schema 1 one. */
    Descriptor smallestBlob() {
        List<Descriptor> blobs = new ArrayList<>();
        if (kind == Kind.SCHEMA1) {
            for (JsonNode layer : root.path("fsLayers")) {
                blobs.add(new Descriptor("", layer.path("blobSum").asText(""), -1));
            }
        } else if (kind == Kind.IMAGE) {
            blobs.add(descriptor(root.path("config")));
            root.path("layers").forEach(layer -> blobs.add(descriptor(layer)));
        } else {
            throw new IllegalStateException("an index references manifests, not blobs");
        }
        Descriptor smallest = blobs.stream()
                .min(Comparator.comparingLong(d -> d.size() < 0 ? Long.MAX_VALUE : d.size()))
                .orElseThrow(() -> new IllegalArgumentException("manifest references no blob"));
        if (!Digests.isValid(smallest.digest())) {
            throw new IllegalArgumentException("manifest references a blob with invalid digest '" + smallest.digest() + "'");
        }
        return smallest;
    }

    /** The first real platform manifest of an index (attestation entries, platform unknown/unknown, skipped). */
    Descriptor firstPlatformManifest() {
        Descriptor first = null;
        for (JsonNode entry : root.path("manifests")) {
            Descriptor d = descriptor(entry);
            boolean attestation = "unknown".equals(entry.path("platform").path("os").asText())
                    || entry.path("annotations").has("vnd.docker.reference.type");
            if (!attestation) {
                first = d;
                break;
            }
            if (first == null) {
                first = d;
            }
        }
        if (first == null) {
            throw new IllegalArgumentException("index lists no manifests");
        }
        if (!Digests.isValid(first.digest())) {
            throw new IllegalArgumentException("index lists a manifest with invalid digest '" + first.digest() + "'");
        }
        return first;
    }

    private static Descriptor descriptor(JsonNode node) {
        return new Descriptor(node.path("mediaType").asText(""), node.path("digest").asText(""), node.path("size").asLong(-1));
    }
}
