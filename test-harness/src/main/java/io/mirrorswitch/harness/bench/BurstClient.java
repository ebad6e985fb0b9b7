package io.mirrorswitch.harness.bench;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;

/**
 * One client of a {@link DownloadBurst}, on its own thread and connection: says it is ready, waits for the start,
 * downloads its blob. It ends with exactly one {@link Outcome}: its own, or the burst's when the burst gave up on it
 * first; whatever the client does after that is not counted.
 */
final class BurstClient {
    /** How a client ended: bytes received (0 on error), error null when it succeeded, and when it ended. */
    record Outcome(long bytes, String error, long endNanos) {
    }

    private final AtomicReference<Outcome> outcome = new AtomicReference<>();
    private final AtomicBoolean ready = new AtomicBoolean();
    private final Thread thread;

    private BurstClient(Target t, SeedData.Blob blob, String token, CountDownLatch readyLatch, CountDownLatch go, int n) {
        thread = new Thread(() -> {
            try (Http1 c = t.connect(256 * 1024)) {
                c.open(); // connected before the start: the burst times the GETs, not the TCP handshakes
                ready.set(true);
                readyLatch.countDown();
                go.await();
                Http1.Response r = c.get(RegistryApi.blobPath(SeedData.BLOB_REPO, blob.digest()),
                        RegistryApi.authorized(token), 300_000);
                RegistryApi.check(r, 200, blob.size(), t.label());
                settle(new Outcome(r.bodyBytes(), null, System.nanoTime()));
            } catch (Exception e) {
                settle(new Outcome(0, String.valueOf(e), System.nanoTime()));
            }
        }, "burst-" + n);
        thread.setDaemon(true);
    }

    /** Starts a client; it counts {@code readyLatch} down once ready and sends its GET when {@code go} opens. */
    static BurstClient start(Target t, SeedData.Blob blob, String token, CountDownLatch readyLatch, CountDownLatch go,
                             int n) {
        BurstClient client = new BurstClient(t, blob, token, readyLatch, go, n);
        client.thread.start();
        return client;
    }

    boolean isReady() {
        return ready.get();
    }

    /** Waits for the client's thread until {@code deadlineNanos} ({@link System#nanoTime()}) at the latest. */
    void awaitEnd(long deadlineNanos) throws InterruptedException {
        long millis = (deadlineNanos - System.nanoTime()) / 1_000_000;
        if (millis > 0) {
            thread.join(millis);
        }
    }

    /**
     * Ends this client as an error ({@code why}, ended now) unless it already has an outcome, and then interrupts its
     * thread, which closes its socket, so that it stops loading the machine.
     */
    void giveUp(String why) {
        if (settle(new Outcome(0, why, System.nanoTime()))) {
            thread.interrupt();
        }
    }

    /** The outcome; null while the client is still running and nobody gave up on it. */
    Outcome outcome() {
        return outcome.get();
    }

    private boolean settle(Outcome o) {
        return outcome.compareAndSet(null, o);
    }
}
