package io.mirrorswitch.proxy.relay;

import io.undertow.server.HttpServerExchange;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.time.Duration;
import java.util.concurrent.locks.Condition;
import java.util.function.Consumer;
import java.util.concurrent.locks.ReentrantLock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One upstream fetch of a whole blob, shared by every request for its digest that arrives while it runs.
 *
 * <p>The first request (the leader) looks for an upstream as any request does; the others (followers) wait for
 * its outcome. When the leader finds a shareable answer it {@link #start starts} the fetch: a producer thread
 * writes the upstream body into a {@link BlobSpool} through this {@link BlobSink}, and every request, the leader
 * included, tails the spool at its own pace ({@link SpoolReader}). Readers wait on a condition for the
 * producer's next bytes, never by sleeping.
 *
 * <p>The gate on the last bytes: readers may read only what is {@link #awaitReadable published}, and until the
 * producer {@link #complete completes} that is at most {@code length - 1} bytes. {@link BlobFetch} completes
 * only after the digest matched (and holds back the read that finishes the blob until then), so no reader can
 * ever send a whole blob that did not verify. On {@link #fail} every reader stops at once and closes its
 * connection abruptly.
 *
 * <p>Every party that joined (the leader from the start, each follower through {@link #join}) calls
 * {@link #leave} once when done. The spool file is deleted when the last reader left and the producer ended,
 * whichever comes last; when every reader left early, the producer stops at its next write. No lock is held
 * across I/O: the producer writes the file first and publishes after; readers read below what was published.
 */
final class SharedFetch implements BlobSink {
    private static final Logger LOG = LoggerFactory.getLogger(SharedFetch.class);
    private static final long BATCH_NANOS = 5_000_000;

    /** What the registry of shared fetches is told, each exactly once and outside this fetch's lock. */
    interface Owner {
        /** The fetch takes no more joiners (it completed, failed or was abandoned): forget it, free its slot. */
        void ended(SharedFetch fetch);

        /** The spool file is gone: free the disk reserved for it. Only for a fetch that had started. */
        void closed(SharedFetch fetch, long reservedBytes);
    }

    /**
     * Why the leader did not share, for the followers that waited on it.
     *
     * @param cap        the cap that stopped it, or null
     * @param verdict    answers a follower's exchange with the error the leader answered after every upstream
     *                   failed, or null
     * @param repository the repository name the verdict is about (a blob missing under one name may exist
     *                   under another, so only followers asking under the same name take it)
     */
    record Abandoned(CoalescingCap cap, Consumer<HttpServerExchange> verdict, String repository) {
        static final Abandoned UNSHAREABLE = new Abandoned(null, null, null);
    }

    /** The shared fetch failed: the reader must end its response abruptly. */
    static final class Failed extends IOException {
        Failed(String message) {
            super(message, null);
        }
    }

    private enum State { PENDING, STREAMING, COMPLETE, FAILED, ABANDONED }

    private final String digest;
    private final Owner owner;
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition changed = lock.newCondition();
    // Guarded by lock.
    private State state = State.PENDING;
    private int readers = 1;
    private boolean producing;
    private boolean closed;
    private long published;
    private String failure;
    private SharedAnswer answer;
    private BlobSpool spool;
    private Abandoned abandoned;
    // Written by the producer thread only.
    private long written;

    /** A fetch whose leader is its first reader. */
    SharedFetch(String digest, Owner owner) {
        this.digest = digest;
        this.owner = owner;
    }

    String digest() {
        return digest;
    }

    /** Counts another reader in; false once the fetch ended (a late request is an ordinary one). */
    boolean join() {
        lock.lock();
        try {
            if (state == State.PENDING || state == State.STREAMING) {
                readers++;
                changed.signalAll();
                return true;
            }
            return false;
        } finally {
            lock.unlock();
        }
    }

    /** For tests that must know a request is waiting on this fetch: true once {@code count} readers are in. */
    boolean awaitReaders(int count, Duration timeout) throws InterruptedException {
        long left = timeout.toNanos();
        lock.lock();
        try {
            while (readers < count) {
                if (left <= 0) {
                    return false;
                }
                left = changed.awaitNanos(left);
            }
            return true;
        } finally {
            lock.unlock();
        }
    }

    /** The leader found a shareable answer and a spool for it; the producer starts right after this. */
    void start(SharedAnswer answer, BlobSpool spool) {
        lock.lock();
        try {
            if (state != State.PENDING) {
                throw new IllegalStateException(digest + " was already " + state);
            }
            this.answer = answer;
            this.spool = spool;
            producing = true;
            state = State.STREAMING;
            changed.signalAll();
        } finally {
            lock.unlock();
        }
    }

    /** The leader will not share (nothing shareable, a cap, an error verdict); a no-op once started. */
    void abandon(Abandoned why) {
        lock.lock();
        try {
            if (state != State.PENDING) {
                return;
            }
            state = State.ABANDONED;
            abandoned = why;
            changed.signalAll();
        } finally {
            lock.unlock();
        }
        owner.ended(this);
    }

    /**
     * For a follower: waits while the leader looks for an upstream. The answer to tail, or null when this fetch
     * will not serve the follower (abandoned, or failed before it started reading): then it goes its own way.
     */
    SharedAnswer awaitAnswer() {
        lock.lock();
        try {
            while (state == State.PENDING) {
                changed.await();
            }
            return state == State.STREAMING || state == State.COMPLETE ? answer : null;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return null;
        } finally {
            lock.unlock();
        }
    }

    /** Why the leader did not share, or null when it did. */
    Abandoned abandoned() {
        lock.lock();
        try {
            return abandoned;
        } finally {
            lock.unlock();
        }
    }

    /** The answer being shared; only after {@link #awaitAnswer} returned it or the leader started the fetch. */
    SharedAnswer answer() {
        lock.lock();
        try {
            return answer;
        } finally {
            lock.unlock();
        }
    }

    /** A channel on the spool of the reader's own; valid while the reader has not left. */
    FileChannel openReader() throws IOException {
        return spool().openReader();
    }

    /**
     * Waits until bytes beyond {@code position} may be read and returns how far (exclusive). Throws
     * {@link Failed} as soon as the fetch failed, even when some published bytes were not read yet.
     */
    long awaitReadable(long position) throws Failed {
        lock.lock();
        try {
            while (true) {
                if (state == State.FAILED) {
                    throw new Failed(failure);
                }
                if (published > position || state == State.COMPLETE) {
                    return published;
                }
                changed.await();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new Failed("interrupted while waiting for the shared fetch");
        } finally {
            lock.unlock();
        }
    }

    /**
     * Upstream reads arrive a few KiB at a time; each write here costs a file write and wakes every reader, so
     * reads are handed over in batches of up to the fetch buffer, none held back longer than this.
     */
    @Override
    public long batchNanos() {
        return BATCH_NANOS;
    }

    @Override
    public void write(byte[] bytes, int offset, int count) throws IOException {
        long length;
        BlobSpool file;
        lock.lock();
        try {
            if (readers == 0) {
                throw new IOException("every request reading it went away");
            }
            length = answer.length();
            file = spool;
        } finally {
            lock.unlock();
        }
        file.write(bytes, offset, count, written);
        written += count;
        lock.lock();
        try {
            // The last byte is published by complete() alone, whatever the producer wrote.
            published = Math.min(written, length - 1);
            changed.signalAll();
        } finally {
            lock.unlock();
        }
    }

    @Override
    public void complete() {
        lock.lock();
        try {
            if (state != State.STREAMING) {
                return;
            }
            if (written != answer.length()) {
                throw new IllegalStateException("completed after " + written + " of " + answer.length() + " bytes");
            }
            published = written;
            state = State.COMPLETE;
            changed.signalAll();
        } finally {
            lock.unlock();
        }
        owner.ended(this);
    }

    @Override
    public void fail(String why) {
        lock.lock();
        try {
            if (state != State.STREAMING) {
                return; // only a started fetch can fail; before that the leader abandons it
            }
            state = State.FAILED;
            failure = why;
            changed.signalAll();
        } finally {
            lock.unlock();
        }
        LOG.warn("shared fetch of {} failed, every request reading it ends abruptly: {}", digest, why);
        owner.ended(this);
    }

    /** The producer's last word, whatever happened to it: a fetch it did not complete has failed. */
    void producerEnded() {
        fail("the producer ended without finishing the blob");
        boolean close;
        lock.lock();
        try {
            producing = false;
            close = claimClose();
        } finally {
            lock.unlock();
        }
        if (close) {
            deleteSpool();
        }
    }

    /** A reader (or the leader) is done with this fetch. */
    void leave() {
        boolean close;
        lock.lock();
        try {
            if (readers == 0) {
                throw new IllegalStateException("left more often than joined: " + digest);
            }
            readers--;
            close = claimClose();
        } finally {
            lock.unlock();
        }
        if (close) {
            deleteSpool();
        }
    }

    /** Under the lock: true exactly once, when the spool exists and neither readers nor the producer need it. */
    private boolean claimClose() {
        if (closed || readers > 0 || producing || spool == null) {
            return false;
        }
        closed = true;
        return true;
    }

    private void deleteSpool() {
        try {
            spool.delete();
        } catch (IOException e) {
            LOG.warn("cannot delete spool file {}: {}", spool.file(), e.toString());
        } finally {
            owner.closed(this, answer.length());
        }
    }

    private BlobSpool spool() {
        lock.lock();
        try {
            return spool;
        } finally {
            lock.unlock();
        }
    }

    @Override
    public String toString() {
        lock.lock();
        try {
            return "SharedFetch[" + digest + " " + state + ", readers " + readers + ", published " + published + "]";
        } finally {
            lock.unlock();
        }
    }
}
