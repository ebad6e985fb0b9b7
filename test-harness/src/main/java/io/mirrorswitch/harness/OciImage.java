package io.mirrorswitch.harness;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * A single-platform OCI image written as an image layout on disk, with the digests a test expects
 * to see again after pushing and pulling it. Made by {@link OciImageBuilder}.
 */
public final class OciImage {

    private static final Duration PUSH_TIMEOUT = Duration.ofMinutes(2);

    private final Path layoutDir;
    private final String tag;
    private final long seed;
    private final byte[] manifestBytes;
    private final String manifestDigest;
    private final String configDigest;
    private final long configSize;
    private final List<LayerBlob> layers;

    OciImage(Path layoutDir, String tag, long seed, byte[] manifestBytes, String manifestDigest,
             String configDigest, long configSize, List<LayerBlob> layers) {
        this.layoutDir = layoutDir;
        this.tag = tag;
        this.seed = seed;
        this.manifestBytes = manifestBytes.clone();
        this.manifestDigest = manifestDigest;
        this.configDigest = configDigest;
        this.configSize = configSize;
        this.layers = List.copyOf(layers);
    }

    public static OciImageBuilder builder() {
        return new OciImageBuilder();
    }

    public Path layoutDir() {
        return layoutDir;
    }

    /** The reference name inside the layout, for {@code oci:<layoutDir>:<tag>}. */
    public String tag() {
        return tag;
    }

    public long seed() {
        return seed;
    }

    public String manifestDigest() {
        return manifestDigest;
    }

    public byte[] manifestBytes() {
        return manifestBytes.clone();
    }

    public String manifestMediaType() {
        return OciImageBuilder.MANIFEST_TYPE;
    }

    public String configDigest() {
        return configDigest;
    }

    /** Compressed layer digests, in manifest order. */
    public List<String> layerDigests() {
        return layers.stream().map(LayerBlob::digest).toList();
    }

    /** sha256 of each uncompressed layer tar, as in the config's rootfs.diff_ids. */
    public List<String> diffIds() {
        return layers.stream().map(LayerBlob::diffId).toList();
    }

    /** Config digest followed by the layer digests: every blob a pull fetches. */
    public List<String> blobDigests() {
        List<String> digests = new ArrayList<>();
        digests.add(configDigest);
        digests.addAll(layerDigests());
        return digests;
    }

    /** Where a blob of this image lives in the layout. */
    public Path blobFile(String digest) {
        return layoutDir.resolve("blobs").resolve("sha256").resolve(Sha256.hexOf(digest));
    }

    /** Bytes a full pull transfers: manifest, config and compressed layers. */
    public long totalSize() {
        return manifestBytes.length + configSize + layers.stream().mapToLong(LayerBlob::size).sum();
    }

    /**
     * Pushes with skopeo (anonymously, plain HTTP) to {@code <registryHostPort>/<nameAndTag>} and checks
     * that the registry stored the manifest under {@link #manifestDigest()}.
     *
     * @return the digest the registry reported
     */
    public String pushTo(String registryHostPort, String nameAndTag) {
        String pushed = Skopeo.push(layoutDir, tag, registryHostPort, nameAndTag, PUSH_TIMEOUT);
        if (!pushed.equals(manifestDigest)) {
            throw new HarnessException("pushing " + layoutDir + " to " + registryHostPort + "/" + nameAndTag
                    + " stored manifest " + pushed + " instead of " + manifestDigest);
        }
        return pushed;
    }

    @Override
    public String toString() {
        return "OciImage[" + manifestDigest + ", " + layers.size() + " layers, seed " + seed + ", " + layoutDir + "]";
    }
}
