package io.mirrorswitch.proxy.relay;

import io.mirrorswitch.config.CoalescingConfig;
import java.io.IOException;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.Semaphore;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The shared fetches in flight, by blob digest (content is addressed by digest, so requests under any repository
 * name share), with the caps that bound what sharing costs: at most {@code maxSharedFetches} at once (each has one
 * producer thread from a pool of that size) and at most {@code maxSpoolBytes} of spool files, reserved at the
 * blob's full length when its fetch starts and freed when its file is deleted. A request over a cap is not
 * shared and streams on its own, as without coalescing.
 *
 * <p>A fetch leaves this registry the moment it completes, fails or is abandoned: a request that arrives after
 * that is an ordinary request (mirrorswitch is not a cache), even while slow readers still tail the old spool.
 */
public final class SharedBlobFetches implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(SharedBlobFetches.class);

    /** What one whole-blob GET does. */
    sealed interface Role permits Lead, Follow, Alone {
    }

    /** First for its digest: looks for an upstream, then starts the fetch or abandons it. */
    record Lead(SharedFetch fetch) implements Role {
    }

    /** Another request is already fetching the digest: wait for it, then tail its spool. */
    record Follow(SharedFetch fetch) implements Role {
    }

    /** Not shared: coalescing is off ({@code cap} null) or a cap was hit. */
    record Alone(CoalescingCap cap) implements Role {
    }

    /** Copies the upstream body into the fetch (its sink); runs on a producer thread. */
    interface Producer {
        void run(SharedFetch sink);
    }

    private final CoalescingConfig config;
    private final ConcurrentHashMap<String, SharedFetch> inFlight = new ConcurrentHashMap<>();
    private final Semaphore slots;
    private final AtomicLong reservedSpoolBytes = new AtomicLong();
    private final ExecutorService producers;
    private final SharedFetch.Owner owner = new SharedFetch.Owner() {
        @Override
        public void ended(SharedFetch fetch) {
            inFlight.remove(fetch.digest(), fetch);
            slots.release();
        }

        @Override
        public void closed(SharedFetch fetch, long reservedBytes) {
            reservedSpoolBytes.addAndGet(-reservedBytes);
        }
    };
    private volatile boolean closed;
    private SpoolDirectory spoolDirectory;

    public SharedBlobFetches(CoalescingConfig config) {
        this(config, producerPool(config.maxSharedFetches()));
    }

    /** With the producers' executor given (tests watch when producers end); closing this shuts it down. */
    SharedBlobFetches(CoalescingConfig config, ExecutorService producers) {
        this.config = config;
        this.slots = new Semaphore(config.maxSharedFetches());
        this.producers = producers;
    }

    private static ExecutorService producerPool(int size) {
        AtomicInteger threadNumber = new AtomicInteger();
        // Never more tasks than slots, so the queue stays empty in practice; threads end after a quiet minute.
        ThreadPoolExecutor pool = new ThreadPoolExecutor(size, size, 60, TimeUnit.SECONDS, new LinkedBlockingQueue<>(), r -> {
            Thread t = new Thread(r, "blob-fetch-" + threadNumber.incrementAndGet());
            t.setDaemon(true);
            return t;
        });
        pool.allowCoreThreadTimeOut(true);
        return pool;
    }

    /** Nothing is shared: every request streams on its own. */
    public static SharedBlobFetches disabled() {
        return new SharedBlobFetches(new CoalescingConfig(false, CoalescingConfig.DEFAULT_SPOOL_DIR, 0, 1));
    }

    public boolean enabled() {
        return config.enabled() && !closed;
    }

    /** Shared fetches currently taking joiners. */
    public int inFlight() {
        return inFlight.size();
    }

    /** Disk reserved by spool files that exist now (each at its blob's full length). */
    public long spoolBytes() {
        return reservedSpoolBytes.get();
    }

    /** The fetch of {@code digest} taking joiners now, if any (for tests). */
    Optional<SharedFetch> inFlight(String digest) {
        return Optional.ofNullable(inFlight.get(digest));
    }

    /** Joins the fetch of {@code digest} in flight, or opens one led by the caller, or says why neither. */
    Role join(String digest) {
        if (!enabled()) {
            return new Alone(null);
        }
        while (true) {
            SharedFetch running = inFlight.get(digest);
            if (running != null) {
                if (running.join()) {
                    return new Follow(running);
                }
                inFlight.remove(digest, running); // it just ended; its owner callback may not have run yet
                continue;
            }
            if (!slots.tryAcquire()) {
                return new Alone(CoalescingCap.SHARED_FETCHES);
            }
            SharedFetch fresh = new SharedFetch(digest, owner);
            if (inFlight.putIfAbsent(digest, fresh) == null) {
                return new Lead(fresh);
            }
            slots.release(); // another request opened one first: join that
        }
    }

    /**
     * The leader found a shareable answer: reserves spool space, creates the spool, starts the fetch and hands
     * the producer to a pool thread. When a cap or the spool directory stops it, the fetch is abandoned (its
     * followers go their own way) and the reason returned: the leader then streams directly.
     */
    Optional<CoalescingCap> start(SharedFetch fetch, SharedAnswer answer, Producer producer) {
        if (!reserve(answer.length())) {
            fetch.abandon(new SharedFetch.Abandoned(CoalescingCap.SPOOL_BYTES, null, null));
            return Optional.of(CoalescingCap.SPOOL_BYTES);
        }
        BlobSpool spool;
        try {
            spool = createSpool(fetch.digest());
        } catch (IOException | RuntimeException e) {
            reservedSpoolBytes.addAndGet(-answer.length());
            LOG.warn("cannot create a spool file in {} ({}); {} streams unshared", config.spoolDir(), e.toString(), fetch.digest());
            fetch.abandon(new SharedFetch.Abandoned(CoalescingCap.SPOOL_UNAVAILABLE, null, null));
            return Optional.of(CoalescingCap.SPOOL_UNAVAILABLE);
        }
        fetch.start(answer, spool);
        try {
            producers.execute(() -> {
                try {
                    producer.run(fetch);
                } finally {
                    fetch.producerEnded();
                }
            });
        } catch (RejectedExecutionException e) {
            // Only after close(): the fetch fails, and its readers (the leader included) end abruptly.
            fetch.producerEnded();
        }
        return Optional.empty();
    }

    /**
     * A spool file in this instance's directory, which is opened at the first shared fetch (a relay that never shares
     * leaves no trace on disk). Under the lock that {@link #close} deletes the directory under, so that no file is
     * created in it (nor the directory created again) once it was deleted.
     */
    private synchronized BlobSpool createSpool(String digest) throws IOException {
        if (closed) {
            throw new IOException("closed");
        }
        if (spoolDirectory == null) {
            spoolDirectory = SpoolDirectory.open(config.spoolDir());
        }
        return BlobSpool.create(spoolDirectory.path(), digest);
    }

    private boolean reserve(long bytes) {
        while (true) {
            long now = reservedSpoolBytes.get();
            if (now + bytes > config.maxSpoolBytes()) {
                return false;
            }
            if (reservedSpoolBytes.compareAndSet(now, now + bytes)) {
                return true;
            }
        }
    }

    /**
     * No new shared fetches; producers in flight are interrupted, so their readers end abruptly. This instance's
     * spool directory and its lock file are deleted, with the files of fetches still being cut.
     */
    @Override
    public void close() {
        closed = true;
        producers.shutdownNow();
        for (SharedFetch fetch : inFlight.values()) {
            fetch.fail("mirrorswitch is stopping");
        }
        synchronized (this) {
            if (spoolDirectory != null) {
                spoolDirectory.close();
            }
        }
    }
}
