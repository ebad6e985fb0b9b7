package io.mirrorswitch.proxy.relay;

import java.io.IOException;

/**
 * Where a {@link BlobFetch} puts the bytes it reads upstream: straight into one downstream response
 * ({@link DownstreamSink}), or into a spool that several responses read ({@link SharedFetch}).
 *
 * <p>The fetch calls {@link #write} for every byte in order, and for a whole blob it hands over the read that
 * completes the blob only after the digest matched. Exactly one of {@link #complete} and {@link #fail} ends it.
 */
interface BlobSink {
    /**
     * How long read bytes may wait to be handed over together (up to the fetch's buffer) instead of one small
     * read at a time: 0 for a sink whose writes are cheap, more for one that pays per write.
     */
    default long batchNanos() {
        return 0;
    }

    /** Takes the next bytes. An IOException means nobody wants them any more: the fetch stops. */
    void write(byte[] bytes, int offset, int count) throws IOException;

    /** Every byte was written and, for a whole blob, the digest matched. */
    void complete() throws IOException;

    /**
     * No complete, verified body will come: whoever receives this must see an abrupt end (a reset connection),
     * never a clean short one.
     */
    void fail(String why);
}
