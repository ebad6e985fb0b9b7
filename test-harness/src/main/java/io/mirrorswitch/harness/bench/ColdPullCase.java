package io.mirrorswitch.harness.bench;

import io.mirrorswitch.harness.FaultProxy;
import io.mirrorswitch.harness.RegistryProcess;
import io.mirrorswitch.harness.UpstreamRegistry;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Case 4: cold pulls of the seed image through a fresh registry:2 whose remote is the upstream or mirrorswitch,
 * first with an unlimited upstream link, then through one shared, rate-limited link; pull time and how many bytes
 * the upstream sent (registry:2's own cache fill included).
 */
final class ColdPullCase implements BenchCase {
    /** The limited link's budget, bytes per second, shared by all its connections. */
    private static final long LIMIT_BYTES_PER_SECOND = 20_000_000;

    /** One cold pull through a fresh registry:2; {@code proxyBytes} is -1 without a limited link. */
    private record Pull(double seconds, long upstreamBytes, int upstreamBlobGets, long proxyBytes) {
    }

    private final RunContext run;

    ColdPullCase(RunContext run) {
        this.run = run;
    }

    @Override
    public void run() throws Exception {
        int unlimitedRuns = Integer.getInteger("bench.unlimitedRuns", run.options().quick() ? 2 : 5);
        int limitedRuns = Integer.getInteger("bench.limitedRuns", run.options().quick() ? 1 : 3);
        UpstreamRegistry upstream = run.testbed().upstream();
        RegistryLog upLog = new RegistryLog(upstream.registry().logFile());
        SeedData.Image image = run.seed().image;
        long imageBytes = image.totalBytes();
        run.log().progress("case 4: cold pull of " + image.layers().size() + " x " + run.sizes().imageLayerBytes() / 1_000_000
                + " MB layers through a fresh registry:2; unlimited x" + unlimitedRuns + ", limited to "
                + LIMIT_BYTES_PER_SECOND / 1_000_000
                + " MB/s x" + limitedRuns);
        Map<String, Report.PullSeries> results = new LinkedHashMap<>();
        // Unlimited: registry:2 -> upstream, and registry:2 -> mirrorswitch (the main instance) -> upstream.
        Map<String, String> unlimitedRemotes = new LinkedHashMap<>();
        unlimitedRemotes.put("direct", upstream.url());
        unlimitedRemotes.put("mirrorswitch", run.testbed().mirrorswitch().origin());
        results.put("unlimited", pullRounds("unlimited", unlimitedRemotes, unlimitedRuns, true, upLog, null, imageBytes));
        // Limited: the same through one shared link (FaultProxy in front of the upstream), with a mirrorswitch of its
        // own behind that link.
        if (limitedRuns > 0) {
            try (FaultProxy link = FaultProxy.inFrontOf(upstream.url())) {
                link.limitBytesPerSecond(LIMIT_BYTES_PER_SECOND);
                try (MirrorswitchProcess limitedMs = run.testbed().startMirrorswitch("limited", link.url())) {
                    Map<String, String> limitedRemotes = new LinkedHashMap<>();
                    limitedRemotes.put("direct", link.url());
                    limitedRemotes.put("mirrorswitch", limitedMs.origin());
                    results.put("limited", pullRounds("limited", limitedRemotes, limitedRuns, false, upLog, link, imageBytes));
                }
            }
        }
        run.report().caseFour(imageBytes, LIMIT_BYTES_PER_SECOND, results);
        run.log().progress("case 4 done");
    }

    /** Runs of one cold pull per remote (order rotated); the warm-up run, if any, is not counted. */
    private Report.PullSeries pullRounds(String mode, Map<String, String> remotes, int runs, boolean warmUp,
                                         RegistryLog upLog, FaultProxy link, long imageBytes) throws Exception {
        Report.PullSeries series = new Report.PullSeries();
        List<String> labels = new ArrayList<>(remotes.keySet());
        for (int runNo = warmUp ? -1 : 0; runNo < runs; runNo++) {
            Map<String, Pull> thisRun = new LinkedHashMap<>();
            for (String label : Rounds.rotate(labels, runNo + 1)) {
                Pull p = coldPull(label, remotes.get(label), upLog, link);
                thisRun.put(label, p);
                run.log().raw("case4 mode=" + mode + " run=" + runNo + " path=" + label + " seconds=" + RunLog.fmt3(p.seconds())
                        + " upstreamBytes=" + p.upstreamBytes() + " upstreamBlobGets=" + p.upstreamBlobGets()
                        + (link == null ? "" : " linkBodyBytes=" + p.proxyBytes()));
            }
            if (runNo < 0) {
                continue;
            }
            thisRun.forEach((label, p) -> {
                series.seconds.computeIfAbsent(label, k -> new ArrayList<>()).add(p.seconds());
                series.bytesRatio.computeIfAbsent(label, k -> new ArrayList<>()).add((double) p.upstreamBytes() / imageBytes);
                series.blobGets.computeIfAbsent(label, k -> new ArrayList<>()).add((double) p.upstreamBlobGets());
            });
            series.timeRatio.add(thisRun.get("mirrorswitch").seconds() / thisRun.get("direct").seconds());
        }
        return series;
    }

    private Pull coldPull(String label, String remote, RegistryLog upLog, FaultProxy link) throws Exception {
        RegistryProcess front = RegistryProcess.builder().name("front-" + label).proxyOf(remote).start();
        try {
            long offset = upLog.size();
            if (link != null) {
                link.resetCounters();
            }
            long start = System.nanoTime();
            ImagePuller.pull(front.url(), run.seed().image);
            double seconds = (System.nanoTime() - start) / 1e9;
            // registry:2 fills its cache with its own second fetch: wait until the upstream has gone quiet.
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
            long last = -1;
            int stable = 0;
            while (System.nanoTime() < deadline && stable < 4) {
                Thread.sleep(200);
                long now = upLog.since(offset).bytes() + (link == null ? 0 : link.bodyBytesFromTarget());
                stable = now == last ? stable + 1 : 0;
                last = now;
            }
            RegistryLog.Totals totals = upLog.since(offset);
            return new Pull(seconds, totals.bytes(), totals.blobGets(), link == null ? -1 : link.bodyBytesFromTarget());
        } finally {
            front.stop();
            SeedData.deleteTree(front.storageDir());
        }
    }
}
