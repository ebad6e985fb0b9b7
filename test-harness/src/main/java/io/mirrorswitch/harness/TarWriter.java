package io.mirrorswitch.harness;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.SplittableRandom;

/**
 * Writes a POSIX ustar archive holding one regular file of pseudo-random bytes, streamed so that
 * large layers need no memory. Deterministic (fixed mtime, owner, mode) so a seed always yields the
 * same bytes and therefore the same digests.
 */
final class TarWriter {

    static final int BLOCK = 512;

    private TarWriter() {
    }

    static void writeSingleFile(OutputStream out, String name, long size, SplittableRandom content) throws IOException {
        out.write(header(name, size));
        byte[] buffer = new byte[64 * 1024];
        long remaining = size;
        while (remaining > 0) {
            int chunk = (int) Math.min(buffer.length, remaining);
            content.nextBytes(buffer);
            out.write(buffer, 0, chunk);
            remaining -= chunk;
        }
        long padding = (BLOCK - size % BLOCK) % BLOCK;
        out.write(new byte[(int) padding]);
        // End of archive: two zero blocks.
        out.write(new byte[2 * BLOCK]);
    }

    static byte[] header(String name, long size) {
        byte[] nameBytes = name.getBytes(StandardCharsets.US_ASCII);
        if (nameBytes.length > 100) {
            throw new IllegalArgumentException("ustar names are at most 100 bytes: " + name);
        }
        if (size >= 077777777777L) {
            throw new IllegalArgumentException("ustar sizes need at most 11 octal digits: " + size);
        }
        byte[] header = new byte[BLOCK];
        put(header, 0, nameBytes);
        putOctal(header, 100, 8, 0644);        // mode
        putOctal(header, 108, 8, 0);           // uid
        putOctal(header, 116, 8, 0);           // gid
        putOctal(header, 124, 12, size);       // size
        putOctal(header, 136, 12, 0);          // mtime: the epoch, for reproducible digests
        header[156] = '0';                     // typeflag: regular file
        put(header, 257, "ustar\0".getBytes(StandardCharsets.US_ASCII));
        put(header, 263, "00".getBytes(StandardCharsets.US_ASCII));
        put(header, 265, "root".getBytes(StandardCharsets.US_ASCII));  // uname
        put(header, 297, "root".getBytes(StandardCharsets.US_ASCII));  // gname
        putOctal(header, 329, 8, 0);           // devmajor
        putOctal(header, 337, 8, 0);           // devminor
        // The checksum is computed with its own field read as eight spaces, then stored as six octal
        // digits, a NUL and a space (the form GNU and Go tar both write).
        for (int i = 148; i < 156; i++) {
            header[i] = ' ';
        }
        long checksum = 0;
        for (byte b : header) {
            checksum += b & 0xff;
        }
        String digits = String.format("%06o", checksum);
        put(header, 148, digits.getBytes(StandardCharsets.US_ASCII));
        header[154] = 0;
        header[155] = ' ';
        return header;
    }

    /** Zero-padded octal in {@code length - 1} digits followed by a NUL. */
    private static void putOctal(byte[] header, int offset, int length, long value) {
        String digits = String.format("%0" + (length - 1) + "o", value);
        put(header, offset, digits.getBytes(StandardCharsets.US_ASCII));
        header[offset + length - 1] = 0;
    }

    private static void put(byte[] header, int offset, byte[] bytes) {
        System.arraycopy(bytes, 0, header, offset, bytes.length);
    }
}
