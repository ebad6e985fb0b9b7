package io.mirrorswitch.harness.bench;

import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

/**
 * Case 3: what registry:2 does for every client request, a token request then a manifest HEAD by tag, timed per
 * iteration at 1 and at 50 concurrent clients; the latency a proxy adds over direct.
 */
final class ManifestLatencyCase implements BenchCase {
    private static final int ROUNDS = 3;

    /** One target's samples in one round: token request + HEAD per iteration, and the token request's own p50. */
    private record Latencies(long[] nanos, double tokenP50Millis) {
    }

    private final RunContext run;

    ManifestLatencyCase(RunContext run) {
        this.run = run;
    }

    @Override
    public void run() throws Exception {
        Testbed testbed = run.testbed();
        boolean quick = run.options().quick();
        List<Target> targets = List.of(testbed.direct(), testbed.viaNginx(), testbed.viaMirrorswitch());
        for (int clients : new int[] {1, 50}) {
            int iterations = clients == 1 ? (quick ? 100 : 400) : (quick ? 10 : 40);
            Map<String, List<Double>> p50 = Rounds.perTarget(targets);
            Map<String, List<Double>> p99 = Rounds.perTarget(targets);
            Map<String, List<Double>> added50 = Rounds.perTarget(targets);
            Map<String, List<Double>> added99 = Rounds.perTarget(targets);
            Map<String, List<Double>> tokenOnly = Rounds.perTarget(targets);
            run.log().progress("case 3: manifest HEAD with token round trip, " + clients + " client(s) x " + iterations
                    + " iterations, 1 warm-up + " + ROUNDS + " rounds");
            for (int round = -1; round < ROUNDS; round++) {
                Map<String, Latencies> samples = new LinkedHashMap<>();
                for (Target t : Rounds.rotate(targets, round + 1)) {
                    samples.put(t.label(), latencies(t, clients, round < 0 ? Math.max(5, iterations / 4) : iterations));
                }
                if (round < 0) {
                    continue;
                }
                double d50 = Stats.percentileMillis(samples.get("direct").nanos(), 50);
                double d99 = Stats.percentileMillis(samples.get("direct").nanos(), 99);
                for (Target t : targets) {
                    long[] s = samples.get(t.label()).nanos();
                    double a = Stats.percentileMillis(s, 50);
                    double b = Stats.percentileMillis(s, 99);
                    p50.get(t.label()).add(a);
                    p99.get(t.label()).add(b);
                    added50.get(t.label()).add(a - d50);
                    added99.get(t.label()).add(b - d99);
                    run.log().raw("case3 clients=" + clients + " round=" + round + " target=" + t.label() + " n=" + s.length
                            + " p50ms=" + RunLog.fmt3(a) + " p99ms=" + RunLog.fmt3(b));
                }
                for (Target t : targets) {
                    double tokenP50 = samples.get(t.label()).tokenP50Millis();
                    tokenOnly.get(t.label()).add(tokenP50);
                    run.log().raw("case3 clients=" + clients + " round=" + round + " target=" + t.label() + " tokenOnlyP50ms="
                            + RunLog.fmt3(tokenP50));
                }
            }
            run.report().caseThree(clients, iterations, p50, p99, added50, added99, tokenOnly);
            run.log().progress("case 3 (" + clients + ") done: mirrorswitch added p50 "
                    + Stats.of(added50.get("mirrorswitch")).format("%.3f") + " ms, p99 "
                    + Stats.of(added99.get("mirrorswitch")).format("%.3f") + " ms");
        }
    }

    /** Each client, per iteration: GET a token from the target's realm, then HEAD the manifest by tag with it. */
    private Latencies latencies(Target t, int clients, int iterations) throws Exception {
        // The harness issuer records every request in a copy-on-write list: keep it short so its cost stays flat.
        run.testbed().upstream().issuer().clearRequests();
        SeedData.Image tiny = run.seed().tiny;
        long[] samples = new long[clients * iterations];
        long[] tokenNanos = new long[clients * iterations];
        String path = RegistryApi.manifestPath(tiny.repo(), tiny.tag());
        CountDownLatch go = new CountDownLatch(1);
        ExecutorService pool = Executors.newFixedThreadPool(clients);
        try {
            List<Future<?>> futures = new ArrayList<>();
            for (int c = 0; c < clients; c++) {
                int base = c * iterations;
                futures.add(pool.submit(() -> {
                    try (Http1 realm = t.connectRealm(); Http1 registry = t.connect(16 * 1024)) {
                        go.await();
                        for (int i = 0; i < iterations; i++) {
                            long start = System.nanoTime();
                            String token = t.token(realm, tiny.repo());
                            tokenNanos[base + i] = System.nanoTime() - start;
                            List<String> headers = new ArrayList<>(Target.MANIFEST_ACCEPT);
                            headers.add(RegistryApi.bearer(token));
                            headers.add(Target.USER_AGENT);
                            Http1.Response r = registry.head(path, headers, 10_000);
                            samples[base + i] = System.nanoTime() - start;
                            if (r.status() != 200 || !tiny.manifestDigest().equals(r.header("docker-content-digest"))) {
                                throw new IOException(t.label() + ": HEAD " + path + " answered " + r.status() + " digest "
                                        + r.header("docker-content-digest"));
                            }
                        }
                    }
                    return null;
                }));
            }
            go.countDown();
            for (Future<?> f : futures) {
                f.get(120, TimeUnit.SECONDS);
            }
        } finally {
            pool.shutdownNow();
        }
        return new Latencies(samples, Stats.percentileMillis(tokenNanos, 50));
    }
}
