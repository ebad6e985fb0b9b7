package io.mirrorswitch.harness;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.DigestOutputStream;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.SplittableRandom;
import java.util.zip.Deflater;
import java.util.zip.GZIPOutputStream;

/**
 * One gzip-compressed tar layer written into an OCI layout's blob directory.
 *
 * @param digest the blob digest (sha256 of the compressed bytes)
 * @param diffId the sha256 of the uncompressed tar, as listed in the config's rootfs.diff_ids
 * @param size   the compressed size in bytes
 */
record LayerBlob(String digest, String diffId, long size) {

    static LayerBlob write(Path blobDir, String fileName, long contentBytes, SplittableRandom content)
            throws IOException {
        Path partial = Files.createTempFile(blobDir, "layer-", ".partial");
        MessageDigest compressed = Sha256.newDigest();
        MessageDigest uncompressed = Sha256.newDigest();
        try (OutputStream file = Files.newOutputStream(partial);
             DigestOutputStream compressedDigest = new DigestOutputStream(file, compressed);
             GZIPOutputStream gzip = new FastGzipOutputStream(compressedDigest);
             DigestOutputStream tar = new DigestOutputStream(gzip, uncompressed)) {
            TarWriter.writeSingleFile(tar, fileName, contentBytes, content);
        }
        String hex = HexFormat.of().formatHex(compressed.digest());
        long size = Files.size(partial);
        Files.move(partial, blobDir.resolve(hex), StandardCopyOption.REPLACE_EXISTING);
        return new LayerBlob("sha256:" + hex, "sha256:" + HexFormat.of().formatHex(uncompressed.digest()), size);
    }

    /**
     * Random bytes do not compress, so spend as little CPU as possible trying. Java's gzip header
     * has mtime 0 and no file name, so output is deterministic.
     */
    private static final class FastGzipOutputStream extends GZIPOutputStream {
        FastGzipOutputStream(OutputStream out) throws IOException {
            super(out, 64 * 1024);
            def.setLevel(Deflater.BEST_SPEED);
        }
    }
}
