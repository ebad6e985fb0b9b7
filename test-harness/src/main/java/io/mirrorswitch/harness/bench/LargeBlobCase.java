package io.mirrorswitch.harness.bench;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Case 1: one GET of the big blob on a fresh connection per target, body read and dropped; throughput and the
 * proxy's CPU time per GB relayed.
 */
final class LargeBlobCase implements BenchCase {
    private final RunContext run;

    LargeBlobCase(RunContext run) {
        this.run = run;
    }

    @Override
    public void run() throws Exception {
        int rounds = Integer.getInteger("bench.rounds1", run.options().quick() ? 3 : 5);
        Testbed testbed = run.testbed();
        SeedData.Blob big = run.seed().big;
        List<Target> targets = testbed.throughputTargets();
        Map<String, List<Double>> mbps = Rounds.perTarget(targets);
        Map<String, List<Double>> cpu = Rounds.perTarget(testbed.proxies());
        Map<String, List<Double>> overNginx = Rounds.perTarget(testbed.proxies());
        List<Double> msOverNginx = new ArrayList<>();
        List<Double> msOverDirect = new ArrayList<>();
        List<Double> nginxOverDirect = new ArrayList<>();
        run.log().progress("case 1: one " + big.size() / 1_000_000 + " MB blob, 1 warm-up + " + rounds + " rounds");
        for (int round = -1; round < rounds; round++) {
            Map<String, Double> thisRound = new LinkedHashMap<>();
            for (Target t : Rounds.rotate(targets, round + 1)) {
                String token = t.token(SeedData.BLOB_REPO);
                long proxyPid = testbed.proxyPid(t);
                ProxyCpu proxyCpu = ProxyCpu.watch(proxyPid);
                long start = System.nanoTime();
                try (Http1 c = t.connect(1 << 20)) {
                    Http1.Response r = c.get(RegistryApi.blobPath(SeedData.BLOB_REPO, big.digest()),
                            RegistryApi.authorized(token), 120_000);
                    RegistryApi.check(r, 200, big.size(), t.label() + " big blob");
                }
                double rate = Stats.mb(big.size()) / ((System.nanoTime() - start) / 1e9);
                ProxyCpu.Usage usage = proxyCpu.since(big.size());
                thisRound.put(t.label(), rate);
                if (round >= 0 && proxyPid > 0) {
                    cpu.get(t.label()).add(usage.secondsPerGb());
                }
                run.log().raw("case1 round=" + round + " target=" + t.label() + " MB/s=" + RunLog.fmt1(rate)
                        + (proxyPid > 0 ? " proxyCpuSecondsPerGB=" + RunLog.fmt3(usage.secondsPerGb()) + " systemShare="
                        + RunLog.fmt1(100 * usage.systemShare()) + "%" : ""));
            }
            if (round < 0) {
                continue;
            }
            thisRound.forEach((k, v) -> mbps.get(k).add(v));
            testbed.proxies().forEach(p -> overNginx.get(p.label()).add(thisRound.get(p.label()) / thisRound.get("nginx")));
            msOverNginx.add(thisRound.get("mirrorswitch") / thisRound.get("nginx"));
            msOverDirect.add(thisRound.get("mirrorswitch") / thisRound.get("direct"));
            nginxOverDirect.add(thisRound.get("nginx") / thisRound.get("direct"));
        }
        run.report().caseOne(mbps, cpu, overNginx, Stats.of(msOverNginx), Stats.of(msOverDirect), Stats.of(nginxOverDirect));
        run.log().progress("case 1 done: mirrorswitch/nginx " + Stats.of(msOverNginx).format("%.2f"));
    }
}
