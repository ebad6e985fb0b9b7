package io.mirrorswitch.harness;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/**
 * What a verified {@link Skopeo#pull} produced.
 *
 * @param manifestDigest sha256 of the manifest bytes as stored in {@code manifest.json}
 * @param blobDigests    the config then layer digests the manifest references, each checked on disk
 * @param directory      the {@code dir:} transport output
 * @param blobBytes      total size of the verified blob files
 * @param elapsed        how long skopeo ran
 */
public record PullResult(String manifestDigest, List<String> blobDigests, Path directory, long blobBytes,
                         Duration elapsed) {

    public PullResult {
        blobDigests = List.copyOf(blobDigests);
    }
}
