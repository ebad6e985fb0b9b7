package io.mirrorswitch.proxy.relay;

import java.io.IOException;
import okhttp3.Response;
import okio.BufferedSource;

/**
 * An upstream response body being read under its {@link Transfer}'s watch: each read is timed so stalls and
 * slow upstreams are detected, and closing it releases the response and the watch together.
 */
final class UpstreamBody implements AutoCloseable {
    private final String upstream;
    private final Response response;
    private final Transfer transfer;
    private final BufferedSource source;

    UpstreamBody(String upstream, Response response, Transfer transfer) {
        this.upstream = upstream;
        this.response = response;
        this.transfer = transfer;
        this.source = response.body().source();
        // The body is watched by the Transfer (idle, minThroughput); okio's own per-read timer on top of it woke
        // its watchdog thread on nearly every 8 KiB read, a fifth of the CPU of a blob relay (BENCHMARKS.md).
        // The socket's own read timeout (max of firstByte and idle) still bounds a read if all else failed.
        source.timeout().clearTimeout().clearDeadline();
    }

    String upstream() {
        return upstream;
    }

    Response response() {
        return response;
    }

    Transfer transfer() {
        return transfer;
    }

    /** Like {@link java.io.InputStream#read(byte[], int, int)}: up to {@code length} bytes, -1 at the end. */
    int read(byte[] buffer, int offset, int length) throws IOException {
        transfer.beforeRead();
        int n = source.read(buffer, offset, length);
        transfer.afterRead(n);
        return n;
    }

    /** Reads and drops {@code count} bytes (a resume from an upstream that ignored Range). */
    void skip(long count) throws IOException {
        byte[] scratch = new byte[8192];
        long left = count;
        while (left > 0) {
            int n = read(scratch, 0, (int) Math.min(scratch.length, left));
            if (n < 0) {
                throw new IOException(upstream + ": body ended while skipping to the resume offset");
            }
            left -= n;
        }
    }

    @Override
    public void close() {
        try {
            response.close();
        } finally {
            transfer.close();
        }
    }
}
