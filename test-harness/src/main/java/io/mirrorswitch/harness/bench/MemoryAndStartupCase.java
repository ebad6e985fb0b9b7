package io.mirrorswitch.harness.bench;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

/**
 * Case 5: a fresh mirrorswitch per variant streams the same bytes to 4 clients, either as many 1 MB blobs or as
 * one big blob each; its peak and final RSS should not depend on the blob size. And the time from process start to
 * the first {@code /healthz} 200, over these and a few more starts.
 */
final class MemoryAndStartupCase implements BenchCase {
    private static final int CLIENTS = 4;

    private final RunContext run;

    MemoryAndStartupCase(RunContext run) {
        this.run = run;
    }

    @Override
    public void run() throws Exception {
        int reps = run.options().quick() ? 1 : 3;
        int extraStarts = run.options().quick() ? 2 : 4;
        long perClient = run.seed().big.size();
        int smallPerClient = (int) (perClient / run.sizes().smallBytes());
        // The variants' labels (raw lines, report rows) come from the actual sizes: quick mode's big blob is smaller.
        String smallBlobs = blobsLabel(run.sizes().smallBytes());
        String bigBlobs = blobsLabel(perClient);
        run.log().progress("case 5: RSS after " + CLIENTS + " clients x " + perClient / 1_000_000 + " MB as " + smallPerClient
                + " x " + smallBlobs + " vs " + "1 x " + perClient / 1_000_000 + " MB blob (fresh process each, " + reps
                + " reps); start to /healthz");
        Map<String, List<Double>> peak = new LinkedHashMap<>();
        Map<String, List<Double>> after = new LinkedHashMap<>();
        for (String variant : List.of(smallBlobs, bigBlobs)) {
            peak.put(variant, new ArrayList<>());
            after.put(variant, new ArrayList<>());
        }
        List<Double> peakRatio = new ArrayList<>();
        List<Double> starts = new ArrayList<>();
        for (int rep = 0; rep < reps; rep++) {
            Map<String, Double> thisRep = new LinkedHashMap<>();
            for (String variant : Rounds.rotate(List.of(smallBlobs, bigBlobs), rep)) {
                try (MirrorswitchProcess ms = run.testbed().startMirrorswitch("case5", run.testbed().upstream().url())) {
                    starts.add(ms.startToHealthyNanos / 1e6);
                    stream(Target.throughMirrorswitch("mirrorswitch", ms), variant.equals(smallBlobs), smallPerClient);
                    double hwm = Stats.mib(ProcStatus.peak(ms.pid()));
                    double rssNow = Stats.mib(ProcStatus.rss(ms.pid()));
                    peak.get(variant).add(hwm);
                    after.get(variant).add(rssNow);
                    thisRep.put(variant, hwm);
                    run.log().raw("case5 rep=" + rep + " variant=" + variant + " peakRssMiB=" + RunLog.fmt1(hwm)
                            + " rssAfterMiB=" + RunLog.fmt1(rssNow)
                            + " startToHealthyMs=" + RunLog.fmt1(ms.startToHealthyNanos / 1e6));
                }
            }
            peakRatio.add(thisRep.get(bigBlobs) / thisRep.get(smallBlobs));
        }
        for (int i = 0; i < extraStarts; i++) {
            try (MirrorswitchProcess ms = run.testbed().startMirrorswitch("start", run.testbed().upstream().url())) {
                starts.add(ms.startToHealthyNanos / 1e6);
                run.log().raw("case5 start=" + i + " startToHealthyMs=" + RunLog.fmt1(ms.startToHealthyNanos / 1e6));
            }
        }
        run.report().caseFive(CLIENTS, perClient, smallBlobs, bigBlobs, peak, after, Stats.of(peakRatio), Stats.of(starts));
        run.log().progress("case 5 done: peak ratio " + Stats.of(peakRatio).format("%.2f") + ", start "
                + Stats.of(starts).format("%.0f") + " ms");
    }

    /** A variant's label, "512 MB blobs" (MB = 10^6 bytes, as everywhere in the report). */
    static String blobsLabel(long blobBytes) {
        return blobBytes / 1_000_000 + " MB blobs";
    }

    /**
     * Every client, on its own connection, fetches {@code smallPerClient} small blobs in turn (the seed's small
     * blobs, wrapping around), or the big blob once.
     */
    private void stream(Target t, boolean small, int smallPerClient) throws Exception {
        SeedData seed = run.seed();
        String token = t.token(SeedData.BLOB_REPO);
        ExecutorService pool = Executors.newFixedThreadPool(CLIENTS);
        try {
            List<Future<?>> futures = new ArrayList<>();
            for (int c = 0; c < CLIENTS; c++) {
                int client = c;
                futures.add(pool.submit(() -> {
                    try (Http1 conn = t.connect(256 * 1024)) {
                        if (small) {
                            for (int i = 0; i < smallPerClient; i++) {
                                SeedData.Blob b = seed.small.get((client * smallPerClient + i) % seed.small.size());
                                RegistryApi.check(conn.get(RegistryApi.blobPath(SeedData.BLOB_REPO, b.digest()),
                                        RegistryApi.authorized(token), 60_000), 200, b.size(), "small blob");
                            }
                        } else {
                            RegistryApi.check(conn.get(RegistryApi.blobPath(SeedData.BLOB_REPO, seed.big.digest()),
                                    RegistryApi.authorized(token), 300_000), 200, seed.big.size(), "big blob");
                        }
                    }
                    return null;
                }));
            }
            for (Future<?> f : futures) {
                f.get(600, TimeUnit.SECONDS);
            }
        } finally {
            pool.shutdownNow();
        }
    }
}
