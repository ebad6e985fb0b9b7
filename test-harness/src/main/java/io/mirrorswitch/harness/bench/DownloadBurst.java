package io.mirrorswitch.harness.bench;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * One burst of concurrent downloads (case 2): every client connects first, then all send their GET together, each
 * for its own blob on its own connection. A client that is not ready within {@link #READY_SECONDS} or has not
 * finished {@link #FINISH_SECONDS} after the start is given up on: it counts as an error, and the burst's time runs
 * until that moment, so a stuck client shows as errors and a low rate, never as a plausible-looking one.
 */
final class DownloadBurst {
    static final long READY_SECONDS = 60;
    static final long FINISH_SECONDS = 360;
    /** How long a client that was given up on may take to stop after its interrupt, at most. */
    private static final long STOP_SECONDS = 10;

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
        List<BurstClient> all = new ArrayList<>();
        for (int i = 0; i < clients; i++) {
            all.add(BurstClient.start(t, blobs.get(i % blobs.size()), token, ready, go, i));
        }
        if (!ready.await(READY_SECONDS, TimeUnit.SECONDS)) {
            all.stream().filter(c -> !c.isReady())
                    .forEach(c -> c.giveUp("given up: not ready within " + READY_SECONDS + " s"));
        }
        long start = System.nanoTime();
        go.countDown();
        long deadline = start + TimeUnit.SECONDS.toNanos(FINISH_SECONDS);
        for (BurstClient c : all) {
            c.awaitEnd(deadline);
        }
        all.forEach(c -> c.giveUp("given up: not finished " + FINISH_SECONDS + " s after the start"));
        long stopDeadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(STOP_SECONDS);
        for (BurstClient c : all) {
            c.awaitEnd(stopDeadline);
        }
        long peak = rss == null ? -1 : rss.stop();
        return summarise(all.stream().map(BurstClient::outcome).toList(), start, peak);
    }

    /** The burst's figures from its clients' outcomes: the time runs from the start to the last outcome. */
    static Result summarise(List<BurstClient.Outcome> outcomes, long start, long peak) {
        int errors = 0;
        long bytes = 0;
        long lastEnd = start;
        BurstClient.Outcome firstError = null;
        for (BurstClient.Outcome o : outcomes) {
            bytes += o.bytes();
            lastEnd = Math.max(lastEnd, o.endNanos());
            if (o.error() != null) {
                errors++;
                if (firstError == null || o.endNanos() < firstError.endNanos()) {
                    firstError = o;
                }
            }
        }
        double seconds = (lastEnd - start) / 1e9;
        double mbps = bytes == 0 ? 0 : Stats.mb(bytes) / seconds;
        return new Result(mbps, errors, bytes, seconds, peak, firstError == null ? null : firstError.error());
    }
}
