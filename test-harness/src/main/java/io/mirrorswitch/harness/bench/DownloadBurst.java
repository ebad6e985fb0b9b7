package io.mirrorswitch.harness.bench;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * One burst of concurrent downloads (case 2): every client connects first, then all send their GET together, each
 * for its own blob on its own connection.
 */
final class DownloadBurst {
    /** What one burst achieved; {@code peakRss} is -1 when no process was watched, {@code firstError} null if none. */
    record Result(double aggregateMbps, int errors, long bytes, double seconds, long peakRss, String firstError) {
    }

    private DownloadBurst() {
    }

    /**
     * @param watchPid the process whose peak RSS to measure over the burst, or ≤ 0 for none
     */
    static Result run(Target t, List<SeedData.Blob> blobs, int clients, long watchPid) throws Exception {
        String token = t.token(SeedData.BLOB_REPO);
        PeakRssSampler rss = watchPid > 0 ? PeakRssSampler.start(watchPid) : null;
        CountDownLatch ready = new CountDownLatch(clients);
        CountDownLatch go = new CountDownLatch(1);
        AtomicInteger errors = new AtomicInteger();
        AtomicLong bytes = new AtomicLong();
        AtomicLong lastEnd = new AtomicLong();
        List<String> firstError = new CopyOnWriteArrayList<>();
        List<Thread> threads = new ArrayList<>();
        for (int i = 0; i < clients; i++) {
            SeedData.Blob blob = blobs.get(i % blobs.size());
            Thread th = new Thread(() -> {
                try (Http1 c = t.connect(256 * 1024)) {
                    ready.countDown();
                    go.await();
                    Http1.Response r = c.get(RegistryApi.blobPath(SeedData.BLOB_REPO, blob.digest()),
                            RegistryApi.authorized(token), 300_000);
                    RegistryApi.check(r, 200, blob.size(), t.label());
                    bytes.addAndGet(r.bodyBytes());
                } catch (Exception e) {
                    errors.incrementAndGet();
                    if (firstError.isEmpty()) {
                        firstError.add(String.valueOf(e));
                    }
                } finally {
                    lastEnd.accumulateAndGet(System.nanoTime(), Math::max);
                }
            }, "burst-" + i);
            th.setDaemon(true);
            threads.add(th);
            th.start();
        }
        ready.await(60, TimeUnit.SECONDS);
        long start = System.nanoTime();
        go.countDown();
        for (Thread th : threads) {
            th.join(360_000);
        }
        long peak = rss == null ? -1 : rss.stop();
        double seconds = (lastEnd.get() - start) / 1e9;
        return new Result(Stats.mb(bytes.get()) / seconds, errors.get(), bytes.get(), seconds, peak,
                firstError.isEmpty() ? null : firstError.get(0));
    }
}
