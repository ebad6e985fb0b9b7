package io.mirrorswitch.proxy.relay;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.AtomicReference;

/**
 * A downstream client of a shared fetch, as {@link SpoolReader} sees it: keeps what it was sent and whether the
 * body was finished cleanly, and the reason when the response was aborted instead. A gated reader takes each
 * 64 KiB only when the test hands it a permit: a client as slow as the test wants.
 */
final class TestReader implements SpoolReader.Downstream {
    private final ByteArrayOutputStream received = new ByteArrayOutputStream();
    private final Semaphore permits;
    private final boolean brokenPipe;
    private final AtomicReference<String> abortReason = new AtomicReference<>();
    private volatile boolean closed;

    private TestReader(Semaphore permits, boolean brokenPipe) {
        this.permits = permits;
        this.brokenPipe = brokenPipe;
    }

    static TestReader fast() {
        return new TestReader(null, false);
    }

    /** Blocks on every 64 KiB until {@link #allow} gives it a permit. */
    static TestReader gated() {
        return new TestReader(new Semaphore(0), false);
    }

    /** A client that went away: its first send fails. */
    static TestReader gone() {
        return new TestReader(null, true);
    }

    void allow(int writes) {
        permits.release(writes);
    }

    /** Tails {@code fetch} on {@code pool}; leaves the fetch when done, as the relay does. The bytes written. */
    CompletableFuture<Long> tail(SharedFetch fetch, ExecutorService pool) {
        return CompletableFuture.supplyAsync(() -> {
            try {
                return SpoolReader.copy(fetch, this, abortReason::set, () -> null);
            } finally {
                fetch.leave();
            }
        }, pool);
    }

    @Override
    public void send(FileChannel spool, long position, long count) throws IOException {
        if (brokenPipe) {
            throw new IOException("broken pipe");
        }
        ByteBuffer chunk = ByteBuffer.allocate(64 * 1024);
        for (long at = position, end = position + count; at < end; ) {
            chunk.clear().limit((int) Math.min(chunk.capacity(), end - at));
            int n = spool.read(chunk, at);
            if (n <= 0) {
                throw new AssertionError("the spool has no byte at " + at + " although it was published");
            }
            if (permits != null) {
                try {
                    permits.acquire();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new InterruptedIOException();
                }
            }
            synchronized (received) {
                received.write(chunk.array(), 0, n);
            }
            at += n;
        }
    }

    @Override
    public void finish() {
        closed = true;
    }

    byte[] received() {
        synchronized (received) {
            return received.toByteArray();
        }
    }

    boolean closedCleanly() {
        return closed;
    }

    /** Why the response was cut, or null when it was not. */
    String abortReason() {
        return abortReason.get();
    }
}
