package io.mirrorswitch.harness.bench;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Case 2: as many clients as there are medium blobs download one each, all at once, per target; aggregate
 * throughput, errors, the proxy's CPU time per GB and mirrorswitch's peak RSS over the burst.
 */
final class ConcurrentDownloadsCase implements BenchCase {
    /** Clients in the warm-up burst, at most. */
    private static final int WARM_UP_CLIENTS = 50;
    /** First errors quoted in the report, at most. */
    private static final int ERROR_SAMPLES = 5;

    private final RunContext run;

    ConcurrentDownloadsCase(RunContext run) {
        this.run = run;
    }

    @Override
    public void run() throws Exception {
        int rounds = Integer.getInteger("bench.rounds2", 3);
        Testbed testbed = run.testbed();
        List<SeedData.Blob> blobs = run.seed().medium;
        int clients = blobs.size();
        List<Target> targets = testbed.throughputTargets();
        Map<String, List<Double>> mbps = Rounds.perTarget(targets);
        Map<String, List<Double>> errors = Rounds.perTarget(targets);
        Map<String, List<Double>> cpu = Rounds.perTarget(testbed.proxies());
        Map<String, List<Double>> overNginx = Rounds.perTarget(testbed.proxies());
        Map<String, List<Double>> peaks = Rounds.perTarget(testbed.proxies());
        List<Double> rss = new ArrayList<>();
        List<Double> msOverNginx = new ArrayList<>();
        List<String> errorSamples = new ArrayList<>();
        run.log().progress("case 2: " + clients + " concurrent downloads of distinct " + run.sizes().mediumBytes() / 1_000_000
                + " MB blobs, 1 warm-up + " + rounds + " rounds");
        for (int round = -1; round < rounds; round++) {
            Map<String, DownloadBurst.Result> thisRound = new LinkedHashMap<>();
            for (Target t : Rounds.rotate(targets, round + 1)) {
                long proxyPid = testbed.proxyPid(t);
                // Peak RSS is a mirrorswitch figure (main or variant); nginx's is not tracked.
                boolean isMirrorswitch = proxyPid > 0 && t != testbed.viaNginx();
                ProxyCpu proxyCpu = ProxyCpu.watch(proxyPid);
                DownloadBurst.Result b = DownloadBurst.run(t, blobs, round < 0 ? Math.min(WARM_UP_CLIENTS, clients) : clients,
                        isMirrorswitch ? proxyPid : -1);
                thisRound.put(t.label(), b);
                // NaN when the round received nothing; kept, so that the report can say so.
                double cpuPerGb = proxyCpu.since(b.bytes()).secondsPerGb();
                if (round >= 0 && proxyPid > 0) {
                    cpu.get(t.label()).add(cpuPerGb);
                }
                String cpuRaw = Double.isFinite(cpuPerGb) ? RunLog.fmt3(cpuPerGb) : "n/a";
                run.log().raw("case2 round=" + round + " target=" + t.label() + " MB/s=" + RunLog.fmt1(b.aggregateMbps())
                        + (proxyPid > 0 ? " proxyCpuSecondsPerGB=" + cpuRaw : "") + " errors=" + b.errors()
                        + " seconds=" + RunLog.fmt1(b.seconds())
                        + (isMirrorswitch ? " peakRssMiB=" + RunLog.fmt1(Stats.mib(b.peakRss())) : "")
                        + (b.firstError() == null ? "" : " firstError=" + b.firstError()));
                if (b.firstError() != null && errorSamples.size() < ERROR_SAMPLES) {
                    errorSamples.add(t.label() + ": " + b.firstError());
                }
            }
            if (round < 0) {
                continue;
            }
            thisRound.forEach((k, v) -> {
                mbps.get(k).add(v.aggregateMbps());
                errors.get(k).add((double) v.errors());
            });
            testbed.proxies().forEach(p -> overNginx.get(p.label()).add(thisRound.get(p.label()).aggregateMbps()
                    / thisRound.get("nginx").aggregateMbps()));
            testbed.proxies().stream().filter(p -> p != testbed.viaNginx())
                    .forEach(p -> peaks.get(p.label()).add(Stats.mib(thisRound.get(p.label()).peakRss())));
            rss.add(Stats.mib(thisRound.get("mirrorswitch").peakRss()));
            msOverNginx.add(thisRound.get("mirrorswitch").aggregateMbps() / thisRound.get("nginx").aggregateMbps());
        }
        run.report().caseTwo(clients, mbps, cpu, overNginx, peaks, errors, Stats.of(rss), Stats.of(msOverNginx), errorSamples);
        run.log().progress("case 2 done: mirrorswitch/nginx " + Stats.of(msOverNginx).format("%.2f") + ", peak RSS "
                + Stats.of(rss).format("%.0f"));
    }
}
