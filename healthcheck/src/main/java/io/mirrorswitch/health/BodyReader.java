package io.mirrorswitch.health;

import java.io.IOException;
import java.io.InterruptedIOException;
import okhttp3.ResponseBody;
import okio.Buffer;
import okio.BufferedSource;

/**
 * Reads a response body into memory with a size limit and an absolute deadline, counting the bytes as they
 * come so a stall can say how far it got. The deadline is both set on the socket source (so a read blocked on
 * a silent upstream is cut off) and checked between reads (so a dribble of bytes cannot outlast it).
 */
final class BodyReader {
    /** The body exceeded the limit: more bytes than the manifest declared, or an absurdly large document. */
    static final class TooLarge extends Exception {
        TooLarge(long limit) {
            super("more than " + limit + " bytes", null, false, false);
        }
    }

    private long bytesRead;

    long bytesRead() {
        return bytesRead;
    }

    byte[] read(ResponseBody body, long limit, long deadlineNanos) throws IOException, TooLarge {
        if (body == null) {
            return new byte[0];
        }
        BufferedSource source = body.source();
        long remaining = deadlineNanos - System.nanoTime();
        if (remaining <= 0) {
            throw new InterruptedIOException("round deadline passed before the body");
        }
        source.timeout().deadlineNanoTime(deadlineNanos);
        Buffer buffer = new Buffer();
        while (true) {
            long n = source.read(buffer, 8192);
            if (n == -1) {
                return buffer.readByteArray();
            }
            bytesRead += n;
            if (bytesRead > limit) {
                throw new TooLarge(limit);
            }
            if (System.nanoTime() - deadlineNanos > 0) {
                throw new InterruptedIOException("round deadline passed while reading the body");
            }
        }
    }
}
