package io.mirrorswitch.harness;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.SplittableRandom;

/**
 * Writes blobs straight into a docker-registry filesystem storage ({@code docker/registry/v2/blobs/sha256/<2>/<hex>/data}
 * plus the repository's {@code _layers} link): gigabytes in seconds, where a push would take minutes. Start a
 * registry on (a copy of) the storage afterwards and it serves them like pushed blobs.
 */
public final class StorageBlobs {
    /** A blob that was written: its digest and size. */
    public record Blob(String digest, long size) {
        public String hex() {
            return digest.substring("sha256:".length());
        }
    }

    private StorageBlobs() {
    }

    /** Writes {@code size} pseudo-random bytes (the same for the same seed and size) and links them into {@code repo}. */
    public static Blob writeRandom(Path storage, String repo, long seed, long size) {
        try {
            Path tmpDir = Files.createDirectories(storage.resolve("tmp-seed"));
            Path partial = Files.createTempFile(tmpDir, "blob-", ".partial");
            var digest = Sha256.newDigest();
            SplittableRandom random = new SplittableRandom(seed * 0x9E3779B97F4A7C15L + size);
            byte[] chunk = new byte[1 << 20];
            ByteBuffer wrapped = ByteBuffer.wrap(chunk);
            try (FileChannel out = FileChannel.open(partial, StandardOpenOption.WRITE)) {
                for (long left = size; left > 0; ) {
                    int n = (int) Math.min(chunk.length, left);
                    wrapped.clear();
                    while (wrapped.remaining() >= 8) {
                        wrapped.putLong(random.nextLong());
                    }
                    digest.update(chunk, 0, n);
                    ByteBuffer write = ByteBuffer.wrap(chunk, 0, n);
                    while (write.hasRemaining()) {
                        out.write(write);
                    }
                    left -= n;
                }
            }
            Blob blob = new Blob("sha256:" + java.util.HexFormat.of().formatHex(digest.digest()), size);
            Path data = data(storage, blob);
            Files.createDirectories(data.getParent());
            Files.move(partial, data, StandardCopyOption.REPLACE_EXISTING);
            link(storage, repo, blob);
            return blob;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write a blob into " + storage, e);
        }
    }

    /** Makes {@code repo} serve the blob (its {@code _layers} link). */
    public static void link(Path storage, String repo, Blob blob) throws IOException {
        Path link = storage.resolve("docker/registry/v2/repositories").resolve(repo)
                .resolve("_layers/sha256").resolve(blob.hex()).resolve("link");
        Files.createDirectories(link.getParent());
        Files.writeString(link, blob.digest());
    }

    public static Path data(Path storage, Blob blob) {
        return storage.resolve("docker/registry/v2/blobs/sha256").resolve(blob.hex().substring(0, 2))
                .resolve(blob.hex()).resolve("data");
    }
}
