package io.mirrorswitch.proxy.relay;

import io.mirrorswitch.config.TimeoutsConfig;
import io.mirrorswitch.upstream.CallHandle;
import java.io.IOException;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.atomic.AtomicBoolean;
import okhttp3.Protocol;
import okhttp3.Request;
import okhttp3.Response;
import okhttp3.ResponseBody;
import okio.Buffer;
import okio.Okio;
import okio.Source;
import okio.Timeout;

/**
 * An upstream body that the test feeds by hand: a read blocks until the test sends bytes, ends the body or
 * breaks it. Lets tests decide exactly what the producer of a shared fetch sees, and when.
 */
final class HandFedBody implements Source {
    private static final Object END = new Object();
    private static final TransferWatchdog WATCHDOG = new TransferWatchdog(TimeoutsConfig.DEFAULTS, System::nanoTime, false);

    private final LinkedBlockingQueue<Object> chunks = new LinkedBlockingQueue<>();
    private final AtomicBoolean closed = new AtomicBoolean();
    private byte[] current = new byte[0];
    private int position;
    private boolean ended;

    /** An {@link UpstreamBody} of {@code upstream} declaring {@code length} bytes, reading from this. */
    UpstreamBody upstreamBody(String upstream, long length) {
        Response response = new Response.Builder()
                .request(new Request.Builder().url("http://" + upstream + ".test/v2/x/blobs/b").build())
                .protocol(Protocol.HTTP_1_1).code(200).message("OK")
                .body(ResponseBody.create(Okio.buffer(this), null, length))
                .build();
        Transfer transfer = WATCHDOG.watch(new CallHandle());
        transfer.headersArrived();
        return new UpstreamBody(upstream, response, transfer);
    }

    HandFedBody send(byte[] bytes, int from, int to) {
        chunks.add(java.util.Arrays.copyOfRange(bytes, from, to));
        return this;
    }

    /** All of {@code bytes[from, to)} in 64 KiB pieces. */
    HandFedBody sendInPieces(byte[] bytes, int from, int to) {
        for (int at = from; at < to; at += 64 * 1024) {
            send(bytes, at, Math.min(to, at + 64 * 1024));
        }
        return this;
    }

    /** A clean end of the body (short, when fewer bytes than declared were sent). */
    HandFedBody end() {
        chunks.add(END);
        return this;
    }

    /** The connection breaks: the next read after what was sent fails. */
    HandFedBody breakOff() {
        chunks.add(new IOException("connection reset by the hand-fed upstream"));
        return this;
    }

    boolean isClosed() {
        return closed.get();
    }

    @Override
    public long read(Buffer sink, long byteCount) throws IOException {
        while (position == current.length) {
            if (ended) {
                return -1;
            }
            Object next;
            try {
                next = chunks.take();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new java.io.InterruptedIOException();
            }
            if (next == END) {
                ended = true;
            } else if (next instanceof IOException e) {
                throw e;
            } else {
                current = (byte[]) next;
                position = 0;
            }
        }
        int n = (int) Math.min(byteCount, current.length - position);
        sink.write(current, position, n);
        position += n;
        return n;
    }

    @Override
    public Timeout timeout() {
        return Timeout.NONE;
    }

    @Override
    public void close() {
        closed.set(true);
    }
}
