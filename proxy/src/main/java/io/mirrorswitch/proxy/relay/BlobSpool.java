package io.mirrorswitch.proxy.relay;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * The temporary file behind one shared fetch: the producer appends at increasing offsets, readers read at their
 * own. Each reader opens its own channel ({@link #openReader()}): an interrupted thread closes the channel it was
 * using, and that must never be one another request depends on. Knows nothing about who may read what; that is
 * {@link SharedFetch}'s job.
 */
final class BlobSpool {
    private final Path file;
    private final FileChannel writer;

    private BlobSpool(Path file, FileChannel writer) {
        this.file = file;
        this.writer = writer;
    }

    /** A new empty spool file in {@code dir} (created when missing), named after the digest for whoever looks. */
    static BlobSpool create(Path dir, String digest) throws IOException {
        Files.createDirectories(dir);
        String hex = digest.substring(digest.indexOf(':') + 1);
        Path file = Files.createTempFile(dir, "blob-" + hex.substring(0, Math.min(12, hex.length())) + "-", ".spool");
        try {
            return new BlobSpool(file, FileChannel.open(file, StandardOpenOption.WRITE));
        } catch (IOException | RuntimeException e) {
            Files.deleteIfExists(file);
            throw e;
        }
    }

    Path file() {
        return file;
    }

    /** Writes all of {@code bytes[offset, offset+count)} at {@code position}. Only the producer calls this. */
    void write(byte[] bytes, int offset, int count, long position) throws IOException {
        ByteBuffer buffer = ByteBuffer.wrap(bytes, offset, count);
        long at = position;
        while (buffer.hasRemaining()) {
            at += writer.write(buffer, at);
        }
    }

    /** A channel of the reader's own; the caller closes it. */
    FileChannel openReader() throws IOException {
        return FileChannel.open(file, StandardOpenOption.READ);
    }

    /** Closes the producer's channel and removes the file (readers still holding a channel keep their view). */
    void delete() throws IOException {
        try {
            writer.close();
        } finally {
            Files.deleteIfExists(file);
        }
    }
}
