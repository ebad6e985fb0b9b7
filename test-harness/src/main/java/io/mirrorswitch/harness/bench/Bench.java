package io.mirrorswitch.harness.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.mirrorswitch.harness.FaultProxy;
import io.mirrorswitch.harness.RegistryProcess;
import io.mirrorswitch.harness.Sha256;
import io.mirrorswitch.harness.UpstreamRegistry;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The benchmark suite of issue 6: real docker-registry upstream (token auth), Debian's nginx as the peer reverse
 * proxy, mirrorswitch from its jar, fresh registry:2 front caches, and a load client that reads bodies with one
 * copy. Every comparison is a ratio taken inside one round, with the targets' order rotated from round to round;
 * each figure is reported as the median over rounds with the full range. Writes {@code BENCHMARKS.md}.
 *
 * <p>Run through {@code scripts/bench}; options are system properties ({@code bench.*}, see {@link Options}).
 */
public final class Bench {
    private static final ObjectMapper JSON = new ObjectMapper();

    /** Everything a run can be told; {@code -Dbench.quick=true} shrinks sizes for a smoke test. */
    record Options(Path jar, Path work, Path out, Path raw, boolean quick, String cases, String commit) {
        static Options fromSystemProperties() {
            return new Options(
                    Path.of(System.getProperty("bench.jar", "proxy/target/mirrorswitch.jar")).toAbsolutePath(),
                    Path.of(System.getProperty("bench.work", "/tmp/mirrorswitch-bench")).toAbsolutePath(),
                    Path.of(System.getProperty("bench.out", "BENCHMARKS.md")).toAbsolutePath(),
                    Path.of(System.getProperty("bench.raw", "bench-out/raw.txt")).toAbsolutePath(),
                    Boolean.getBoolean("bench.quick"),
                    System.getProperty("bench.cases", "1,2,3,4,5"),
                    System.getProperty("bench.commit", "unknown"));
        }

        boolean runs(int n) {
            return List.of(cases.split(",")).contains(Integer.toString(n));
        }
    }

    private final Options options;
    private final SeedData.Sizes sizes;
    private final Report report;
    private final List<String> raw = new ArrayList<>();
    private final long t0 = System.nanoTime();
    private SeedData seed;
    private UpstreamRegistry upstream;
    private Nginx nginx;
    private MirrorswitchProcess mirrorswitch;
    private Target direct;
    private Target viaNginx;
    private Target viaMirrorswitch;
    /** Extra mirrorswitch builds measured side by side in cases 1 and 2 ({@code -Dbench.variants=name=jar,...}). */
    private final Map<Target, MirrorswitchProcess> variants = new LinkedHashMap<>();

    private Bench(Options options) {
        this.options = options;
        this.sizes = options.quick()
                ? new SeedData.Sizes(64_000_000, 20, 4_000_000, 16, 1_000_000, 5, 4_000_000)
                : new SeedData.Sizes(512_000_000, 200, 20_000_000, 64, 1_000_000, 5, 20_000_000);
        this.report = new Report(options);
    }

    public static void main(String[] args) throws Exception {
        Options options = Options.fromSystemProperties();
        Files.createDirectories(options.work());
        // Logs and work dirs of the previous run go; the seed data (slow to write) stays.
        for (String dir : List.of("harness", "mirrorswitch", "nginx")) {
            SeedData.deleteTree(options.work().resolve(dir));
        }
        // The harness's token issuer is the JDK HttpServer, which leaves Nagle on: its header and body writes then
        // wait for a delayed ACK (40 ms per token on a kept-alive connection). Real token servers (Go) set
        // TCP_NODELAY; so does this. Must be set before the server class initialises.
        System.setProperty("sun.net.httpserver.nodelay", "true");
        // The harness puts registry work dirs (hard-linked seed copies, logs) here: same filesystem as the seed.
        System.setProperty("mirrorswitch.harness.dir", options.work().resolve("harness").toString());
        Bench bench = new Bench(options);
        int status = 0;
        try {
            bench.run();
        } catch (Throwable e) {
            status = 1;
            System.err.println("bench: FAILED: " + e);
            e.printStackTrace();
        } finally {
            bench.stopAll();
        }
        System.exit(status);
    }

    private void run() throws Exception {
        log("preparing seed data under " + options.work().resolve("seed") + " (reused when present)");
        seed = SeedData.prepare(options.work().resolve("seed"), sizes);
        log("seed ready: big " + seed.big.size() + " B, " + seed.medium.size() + " x " + sizes.mediumBytes() + " B, "
                + seed.small.size() + " x " + sizes.smallBytes() + " B, image " + seed.image.totalBytes() + " B");
        upstream = UpstreamRegistry.tokenAuth("bench-upstream", seed.storage);
        nginx = Nginx.start(options.work().resolve("nginx"), upstream.hostPort());
        mirrorswitch = MirrorswitchProcess.start(options.jar(), options.work().resolve("mirrorswitch"), "main",
                upstream.url(), List.of());
        direct = new Target("direct", upstream.url(), upstream.issuer().realm(), upstream.issuer().service());
        viaNginx = new Target("nginx", nginx.origin(), upstream.issuer().realm(), upstream.issuer().service());
        viaMirrorswitch = new Target("mirrorswitch", mirrorswitch.origin(), mirrorswitch.origin() + "/token", "mirrorswitch");
        for (String spec : System.getProperty("bench.variants", "").split(",")) {
            if (spec.isBlank()) {
                continue;
            }
            // name=JAR[;section.key=value...]; JAR "-" is the jar under test, with other settings.
            String[] nameAndRest = spec.split("=", 2);
            String[] parts = nameAndRest[1].split(";");
            Path jar = parts[0].equals("-") ? options.jar() : Path.of(parts[0]).toAbsolutePath();
            List<String> settings = List.of(parts).subList(1, parts.length);
            MirrorswitchProcess v = MirrorswitchProcess.start(jar, options.work().resolve("mirrorswitch"),
                    "variant-" + nameAndRest[0], upstream.url(), List.of(), settings);
            variants.put(new Target("mirrorswitch[" + nameAndRest[0] + "]", v.origin(), v.origin() + "/token", "mirrorswitch"), v);
            log("variant " + nameAndRest[0] + ": " + jar + " " + settings + " at " + v.origin());
        }
        report.setup(nginx.config, MirrorswitchProcess.jvmFlags(), sizes);
        log("upstream " + upstream.url() + ", nginx " + nginx.origin() + ", mirrorswitch " + mirrorswitch.origin()
                + " (pid " + mirrorswitch.pid() + ")");
        long hold = Long.getLong("bench.holdSeconds", 0);
        if (hold > 0) {
            // For profiling by hand: everything stays up, tokens printed, no case runs.
            log("holding " + hold + " s: blob " + blobPath(SeedData.BLOB_REPO, seed.big.digest()));
            log("  direct " + direct.origin() + " token " + direct.token(SeedData.BLOB_REPO));
            log("  nginx " + viaNginx.origin() + " (same token as direct)");
            log("  mirrorswitch " + viaMirrorswitch.origin() + " pid " + mirrorswitch.pid() + " token "
                    + viaMirrorswitch.token(SeedData.BLOB_REPO));
            Thread.sleep(hold * 1000);
            return;
        }
        measured(1, "1: one large blob", this::caseOne);
        measured(2, "2: concurrent downloads", this::caseTwo);
        measured(3, "3: manifest HEAD latency", this::caseThree);
        measured(4, "4: cold pulls through registry:2", this::caseFour);
        measured(5, "5: memory and start-up", this::caseFive);
        double seconds = (System.nanoTime() - t0) / 1e9;
        report.write(seconds);
        Files.createDirectories(options.raw().getParent());
        Files.write(options.raw(), raw);
        log("wrote " + options.out() + " and " + options.raw() + " after " + String.format(Locale.ROOT, "%.0f s", seconds));
    }

    interface BenchCase {
        void run() throws Exception;
    }

    /** Runs one case if selected, noting how busy the machine was and how much of that was someone else. */
    private void measured(int number, String name, BenchCase body) throws Exception {
        if (!options.runs(number)) {
            return;
        }
        CpuMeter.Snapshot before = CpuMeter.now();
        body.run();
        CpuMeter.Snapshot after = CpuMeter.now();
        double seconds = (after.nanos() - before.nanos()) / 1e9;
        report.conditions(name, seconds, CpuMeter.busyShare(before, after), CpuMeter.foreignShare(before, after));
        raw("conditions case=" + number + " seconds=" + fmt(seconds) + " busy=" + fmt(100 * CpuMeter.busyShare(before, after))
                + "% foreign=" + fmt(100 * CpuMeter.foreignShare(before, after)) + "%");
    }

    // ---------------------------------------------------------------- case 1

    private List<Target> throughputTargets() {
        List<Target> targets = new ArrayList<>(List.of(direct, viaNginx, viaMirrorswitch));
        targets.addAll(variants.keySet());
        return targets;
    }

    private List<Target> proxies() {
        List<Target> targets = new ArrayList<>(List.of(viaNginx, viaMirrorswitch));
        targets.addAll(variants.keySet());
        return targets;
    }

    private void caseOne() throws Exception {
        int rounds = Integer.getInteger("bench.rounds1", options.quick() ? 3 : 5);
        List<Target> targets = throughputTargets();
        Map<String, List<Double>> mbps = series(targets);
        Map<String, List<Double>> cpu = series(proxies());
        Map<String, List<Double>> overNginx = series(proxies());
        List<Double> msOverNginx = new ArrayList<>();
        List<Double> msOverDirect = new ArrayList<>();
        List<Double> nginxOverDirect = new ArrayList<>();
        log("case 1: one " + seed.big.size() / 1_000_000 + " MB blob, 1 warm-up + " + rounds + " rounds");
        for (int round = -1; round < rounds; round++) {
            Map<String, Double> thisRound = new LinkedHashMap<>();
            for (Target t : rotate(targets, round + 1)) {
                String token = t.token(SeedData.BLOB_REPO);
                long proxyPid = proxyPid(t);
                double cpuBefore = proxyPid > 0 ? CpuMeter.cpuSeconds(proxyPid) : 0;
                double[] splitBefore = proxyPid > 0 ? CpuMeter.userAndSystem(proxyPid) : new double[2];
                long start = System.nanoTime();
                try (Http1 c = t.connect(1 << 20)) {
                    Http1.Response r = c.get(blobPath(SeedData.BLOB_REPO, seed.big.digest()), List.of(bearer(token),
                            Target.USER_AGENT), 120_000);
                    check(r, 200, seed.big.size(), t.label() + " big blob");
                }
                double rate = Stats.mb(seed.big.size()) / ((System.nanoTime() - start) / 1e9);
                double cpuPerGb = proxyPid > 0 ? (CpuMeter.cpuSeconds(proxyPid) - cpuBefore) / (seed.big.size() / 1e9) : 0;
                thisRound.put(t.label(), rate);
                if (round >= 0 && proxyPid > 0) {
                    cpu.get(t.label()).add(cpuPerGb);
                }
                raw("case1 round=" + round + " target=" + t.label() + " MB/s=" + fmt(rate)
                        + (proxyPid > 0 ? " proxyCpuSecondsPerGB=" + fmt3(cpuPerGb) + " systemShare="
                        + fmt(100 * systemShare(splitBefore, CpuMeter.userAndSystem(proxyPid))) + "%" : ""));
            }
            if (round < 0) {
                continue;
            }
            thisRound.forEach((k, v) -> mbps.get(k).add(v));
            proxies().forEach(p -> overNginx.get(p.label()).add(thisRound.get(p.label()) / thisRound.get("nginx")));
            msOverNginx.add(thisRound.get("mirrorswitch") / thisRound.get("nginx"));
            msOverDirect.add(thisRound.get("mirrorswitch") / thisRound.get("direct"));
            nginxOverDirect.add(thisRound.get("nginx") / thisRound.get("direct"));
        }
        report.caseOne(mbps, cpu, overNginx, Stats.of(msOverNginx), Stats.of(msOverDirect), Stats.of(nginxOverDirect));
        log("case 1 done: mirrorswitch/nginx " + Stats.of(msOverNginx).format("%.2f"));
    }

    // ---------------------------------------------------------------- case 2

    /** Result of one burst of concurrent downloads. */
    record Burst(double aggregateMbps, int errors, long bytes, double seconds, long peakRss, String firstError) {
    }

    private void caseTwo() throws Exception {
        int rounds = Integer.getInteger("bench.rounds2", 3);
        int clients = seed.medium.size();
        List<Target> targets = throughputTargets();
        Map<String, List<Double>> mbps = series(targets);
        Map<String, List<Double>> errors = series(targets);
        Map<String, List<Double>> cpu = series(proxies());
        Map<String, List<Double>> overNginx = series(proxies());
        Map<String, List<Double>> peaks = series(proxies());
        List<Double> rss = new ArrayList<>();
        List<Double> msOverNginx = new ArrayList<>();
        List<String> errorSamples = new ArrayList<>();
        log("case 2: " + clients + " concurrent downloads of distinct " + sizes.mediumBytes() / 1_000_000
                + " MB blobs, 1 warm-up + " + rounds + " rounds");
        for (int round = -1; round < rounds; round++) {
            Map<String, Burst> thisRound = new LinkedHashMap<>();
            for (Target t : rotate(targets, round + 1)) {
                long proxyPid = proxyPid(t);
                boolean isMs = proxyPid > 0 && t != viaNginx;
                double cpuBefore = proxyPid > 0 ? CpuMeter.cpuSeconds(proxyPid) : 0;
                Burst b = burst(t, seed.medium, round < 0 ? Math.min(50, clients) : clients, isMs ? proxyPid : -1);
                thisRound.put(t.label(), b);
                double cpuPerGb = proxyPid > 0 ? (CpuMeter.cpuSeconds(proxyPid) - cpuBefore) / (b.bytes() / 1e9) : 0;
                if (round >= 0 && proxyPid > 0) {
                    cpu.get(t.label()).add(cpuPerGb);
                }
                raw("case2 round=" + round + " target=" + t.label() + " MB/s=" + fmt(b.aggregateMbps())
                        + (proxyPid > 0 ? " proxyCpuSecondsPerGB=" + fmt3(cpuPerGb) : "") + " errors="
                        + b.errors() + " seconds=" + fmt(b.seconds()) + (isMs ? " peakRssMiB=" + fmt(Stats.mib(b.peakRss())) : "")
                        + (b.firstError() == null ? "" : " firstError=" + b.firstError()));
                if (b.firstError() != null && errorSamples.size() < 5) {
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
            proxies().forEach(p -> overNginx.get(p.label()).add(thisRound.get(p.label()).aggregateMbps()
                    / thisRound.get("nginx").aggregateMbps()));
            proxies().stream().filter(p -> p != viaNginx)
                    .forEach(p -> peaks.get(p.label()).add(Stats.mib(thisRound.get(p.label()).peakRss())));
            rss.add(Stats.mib(thisRound.get("mirrorswitch").peakRss()));
            msOverNginx.add(thisRound.get("mirrorswitch").aggregateMbps() / thisRound.get("nginx").aggregateMbps());
        }
        report.caseTwo(clients, mbps, cpu, overNginx, peaks, errors, Stats.of(rss), Stats.of(msOverNginx), errorSamples);
        log("case 2 done: mirrorswitch/nginx " + Stats.of(msOverNginx).format("%.2f") + ", peak RSS " + Stats.of(rss).format("%.0f"));
    }

    private Burst burst(Target t, List<SeedData.Blob> blobs, int clients, long watchPid) throws Exception {
        String token = t.token(SeedData.BLOB_REPO);
        boolean resetOk = watchPid > 0 && ProcStatus.resetPeak(watchPid);
        AtomicLong sampledPeak = new AtomicLong();
        AtomicBoolean sampling = new AtomicBoolean(watchPid > 0);
        Thread sampler = new Thread(() -> {
            while (sampling.get()) {
                sampledPeak.accumulateAndGet(ProcStatus.rss(watchPid), Math::max);
                try {
                    Thread.sleep(20);
                } catch (InterruptedException e) {
                    return;
                }
            }
        }, "rss-sampler");
        sampler.setDaemon(true);
        if (watchPid > 0) {
            sampler.start();
        }
        CountDownLatch ready = new CountDownLatch(clients);
        CountDownLatch go = new CountDownLatch(1);
        AtomicInteger errors = new AtomicInteger();
        AtomicLong bytes = new AtomicLong();
        AtomicLong lastEnd = new AtomicLong();
        List<String> firstError = new java.util.concurrent.CopyOnWriteArrayList<>();
        List<Thread> threads = new ArrayList<>();
        for (int i = 0; i < clients; i++) {
            SeedData.Blob blob = blobs.get(i % blobs.size());
            Thread th = new Thread(() -> {
                try (Http1 c = t.connect(256 * 1024)) {
                    ready.countDown();
                    go.await();
                    Http1.Response r = c.get(blobPath(SeedData.BLOB_REPO, blob.digest()), List.of(bearer(token), Target.USER_AGENT),
                            300_000);
                    check(r, 200, blob.size(), t.label());
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
        sampling.set(false);
        sampler.interrupt();
        long peak = watchPid > 0 ? Math.max(sampledPeak.get(), resetOk ? ProcStatus.peak(watchPid) : 0) : -1;
        double seconds = (lastEnd.get() - start) / 1e9;
        return new Burst(Stats.mb(bytes.get()) / seconds, errors.get(), bytes.get(), seconds, peak,
                firstError.isEmpty() ? null : firstError.get(0));
    }

    // ---------------------------------------------------------------- case 3

    private void caseThree() throws Exception {
        int rounds = 3;
        List<Target> targets = List.of(direct, viaNginx, viaMirrorswitch);
        for (int clients : new int[] {1, 50}) {
            int iterations = clients == 1 ? (options.quick() ? 100 : 400) : (options.quick() ? 10 : 40);
            Map<String, List<Double>> p50 = series(targets);
            Map<String, List<Double>> p99 = series(targets);
            Map<String, List<Double>> added50 = series(targets);
            Map<String, List<Double>> added99 = series(targets);
            Map<String, List<Double>> tokenOnly = series(targets);
            log("case 3: manifest HEAD with token round trip, " + clients + " client(s) x " + iterations
                    + " iterations, 1 warm-up + " + rounds + " rounds");
            for (int round = -1; round < rounds; round++) {
                Map<String, long[]> samples = new LinkedHashMap<>();
                Map<String, Double> tokenP50 = new LinkedHashMap<>();
                for (Target t : rotate(targets, round + 1)) {
                    samples.put(t.label(), latencies(t, clients, round < 0 ? Math.max(5, iterations / 4) : iterations));
                    tokenP50.put(t.label(), tokenShare.get(t.label()));
                }
                if (round < 0) {
                    continue;
                }
                double d50 = Stats.percentileMillis(samples.get("direct"), 50);
                double d99 = Stats.percentileMillis(samples.get("direct"), 99);
                for (Target t : targets) {
                    long[] s = samples.get(t.label());
                    double a = Stats.percentileMillis(s, 50);
                    double b = Stats.percentileMillis(s, 99);
                    p50.get(t.label()).add(a);
                    p99.get(t.label()).add(b);
                    added50.get(t.label()).add(a - d50);
                    added99.get(t.label()).add(b - d99);
                    raw("case3 clients=" + clients + " round=" + round + " target=" + t.label() + " n=" + s.length
                            + " p50ms=" + fmt3(a) + " p99ms=" + fmt3(b));
                }
                for (Target t : targets) {
                    tokenOnly.get(t.label()).add(tokenP50.get(t.label()));
                    raw("case3 clients=" + clients + " round=" + round + " target=" + t.label() + " tokenOnlyP50ms="
                            + fmt3(tokenP50.get(t.label())));
                }
            }
            report.caseThree(clients, iterations, p50, p99, added50, added99, tokenOnly);
            log("case 3 (" + clients + ") done: mirrorswitch added p50 " + Stats.of(added50.get("mirrorswitch")).format("%.3f")
                    + " ms, p99 " + Stats.of(added99.get("mirrorswitch")).format("%.3f") + " ms");
        }
    }

    /** Each client, per iteration: GET a token from the target's realm, then HEAD the manifest by tag with it. */
    /** Median time of the token request alone, per target, of the last {@link #latencies} call. */
    private final Map<String, Double> tokenShare = new java.util.concurrent.ConcurrentHashMap<>();

    private long[] latencies(Target t, int clients, int iterations) throws Exception {
        // The harness issuer records every request in a copy-on-write list: keep it short so its cost stays flat.
        upstream.issuer().clearRequests();
        long[] samples = new long[clients * iterations];
        long[] tokenNanos = new long[clients * iterations];
        String path = "/v2/" + seed.tiny.repo() + "/manifests/" + seed.tiny.tag();
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
                            String token = t.token(realm, seed.tiny.repo());
                            tokenNanos[base + i] = System.nanoTime() - start;
                            List<String> headers = new ArrayList<>(Target.MANIFEST_ACCEPT);
                            headers.add(bearer(token));
                            headers.add(Target.USER_AGENT);
                            Http1.Response r = registry.head(path, headers, 10_000);
                            samples[base + i] = System.nanoTime() - start;
                            if (r.status() != 200 || !seed.tiny.manifestDigest().equals(r.header("docker-content-digest"))) {
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
        tokenShare.put(t.label(), Stats.percentileMillis(tokenNanos, 50));
        return samples;
    }

    // ---------------------------------------------------------------- case 4

    /** One cold pull through a fresh registry:2. */
    record Pull(double seconds, long upstreamBytes, int upstreamBlobGets, long proxyBytes) {
    }

    private void caseFour() throws Exception {
        long limit = 20_000_000;
        int unlimitedRuns = Integer.getInteger("bench.unlimitedRuns", options.quick() ? 2 : 5);
        int limitedRuns = Integer.getInteger("bench.limitedRuns", options.quick() ? 1 : 3);
        RegistryLog upLog = new RegistryLog(upstream.registry().logFile());
        long imageBytes = seed.image.totalBytes();
        log("case 4: cold pull of " + seed.image.layers().size() + " x " + sizes.imageLayerBytes() / 1_000_000
                + " MB layers through a fresh registry:2; unlimited x" + unlimitedRuns + ", limited to " + limit / 1_000_000
                + " MB/s x" + limitedRuns);
        Map<String, Report.PullSeries> results = new LinkedHashMap<>();
        // Unlimited: registry:2 -> upstream, and registry:2 -> mirrorswitch (the main instance) -> upstream.
        Map<String, String> unlimitedRemotes = new LinkedHashMap<>();
        unlimitedRemotes.put("direct", upstream.url());
        unlimitedRemotes.put("mirrorswitch", mirrorswitch.origin());
        pullRounds("unlimited", unlimitedRemotes, unlimitedRuns, true, upLog, null, imageBytes, results);
        // Limited: the same through one shared 20 MB/s link (FaultProxy in front of the upstream).
        if (limitedRuns > 0) try (FaultProxy link = FaultProxy.inFrontOf(upstream.url())) {
            link.limitBytesPerSecond(limit);
            try (MirrorswitchProcess limitedMs = MirrorswitchProcess.start(options.jar(), options.work().resolve("mirrorswitch"),
                    "limited", link.url(), List.of())) {
                Map<String, String> limitedRemotes = new LinkedHashMap<>();
                limitedRemotes.put("direct", link.url());
                limitedRemotes.put("mirrorswitch", limitedMs.origin());
                pullRounds("limited", limitedRemotes, limitedRuns, false, upLog, link, imageBytes, results);
            }
        }
        report.caseFour(imageBytes, limit, results);
        log("case 4 done");
    }

    private void pullRounds(String mode, Map<String, String> remotes, int runs, boolean warmUp, RegistryLog upLog,
                            FaultProxy link, long imageBytes, Map<String, Report.PullSeries> results) throws Exception {
        Report.PullSeries series = new Report.PullSeries();
        results.put(mode, series);
        List<String> labels = new ArrayList<>(remotes.keySet());
        for (int run = warmUp ? -1 : 0; run < runs; run++) {
            Map<String, Pull> thisRun = new LinkedHashMap<>();
            for (String label : rotate(labels, run + 1)) {
                Pull p = coldPull(label, remotes.get(label), upLog, link);
                thisRun.put(label, p);
                raw("case4 mode=" + mode + " run=" + run + " path=" + label + " seconds=" + fmt3(p.seconds())
                        + " upstreamBytes=" + p.upstreamBytes() + " upstreamBlobGets=" + p.upstreamBlobGets()
                        + (link == null ? "" : " linkBodyBytes=" + p.proxyBytes()));
            }
            if (run < 0) {
                continue;
            }
            thisRun.forEach((label, p) -> {
                series.seconds.computeIfAbsent(label, k -> new ArrayList<>()).add(p.seconds());
                series.bytesRatio.computeIfAbsent(label, k -> new ArrayList<>()).add((double) p.upstreamBytes() / imageBytes);
                series.blobGets.computeIfAbsent(label, k -> new ArrayList<>()).add((double) p.upstreamBlobGets());
            });
            series.timeRatio.add(thisRun.get("mirrorswitch").seconds() / thisRun.get("direct").seconds());
        }
    }

    private Pull coldPull(String label, String remote, RegistryLog upLog, FaultProxy link) throws Exception {
        RegistryProcess front = RegistryProcess.builder().name("front-" + label).proxyOf(remote).start();
        try {
            long offset = upLog.size();
            if (link != null) {
                link.resetCounters();
            }
            long start = System.nanoTime();
            pullImage(front.url(), seed.image);
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

    /** Like a client: manifest by tag, then the config, then the layers three at a time; every digest checked. */
    private static void pullImage(String origin, SeedData.Image image) throws Exception {
        JsonNode manifest;
        try (Http1 c = Http1.to(origin, 64 * 1024)) {
            List<String> headers = new ArrayList<>(Target.MANIFEST_ACCEPT);
            headers.add(Target.USER_AGENT);
            Http1.Response r = c.getKeep("/v2/" + image.repo() + "/manifests/" + image.tag(), headers, 60_000);
            if (r.status() != 200 || !Sha256.digest(r.body()).equals(image.manifestDigest())) {
                throw new IOException("manifest from " + origin + ": " + r.status() + " " + r.bodyText());
            }
            manifest = JSON.readTree(r.body());
        }
        fetchVerified(origin, image.repo(), manifest.get("config").get("digest").asText(), manifest.get("config").get("size").asLong());
        ExecutorService pool = Executors.newFixedThreadPool(3);
        try {
            List<Future<?>> futures = new ArrayList<>();
            for (JsonNode layer : manifest.get("layers")) {
                futures.add(pool.submit(() -> {
                    fetchVerified(origin, image.repo(), layer.get("digest").asText(), layer.get("size").asLong());
                    return null;
                }));
            }
            for (Future<?> f : futures) {
                f.get(300, TimeUnit.SECONDS);
            }
        } finally {
            pool.shutdownNow();
        }
    }

    private static void fetchVerified(String origin, String repo, String digest, long size) throws IOException {
        MessageDigest sha = Sha256.newDigest();
        try (Http1 c = Http1.to(origin, 256 * 1024)) {
            Http1.Response r = c.exchange("GET", blobPath(repo, digest), List.of(Target.USER_AGENT), Http1.digesting(sha),
                    false, 300_000);
            check(r, 200, size, "blob " + digest);
        }
        String actual = "sha256:" + HexFormat.of().formatHex(sha.digest());
        if (!actual.equals(digest)) {
            throw new IOException("blob " + digest + " from " + origin + " hashed to " + actual);
        }
    }

    // ---------------------------------------------------------------- case 5

    private void caseFive() throws Exception {
        int reps = options.quick() ? 1 : 3;
        int extraStarts = options.quick() ? 2 : 4;
        int clients = 4;
        long perClient = seed.big.size();
        int smallPerClient = (int) (perClient / sizes.smallBytes());
        log("case 5: RSS after " + clients + " clients x " + perClient / 1_000_000 + " MB as " + smallPerClient + " x 1 MB blobs vs "
                + "1 x " + perClient / 1_000_000 + " MB blob (fresh process each, " + reps + " reps); start to /healthz");
        Map<String, List<Double>> peak = new LinkedHashMap<>();
        Map<String, List<Double>> after = new LinkedHashMap<>();
        peak.put("1 MB blobs", new ArrayList<>());
        peak.put("512 MB blobs", new ArrayList<>());
        after.put("1 MB blobs", new ArrayList<>());
        after.put("512 MB blobs", new ArrayList<>());
        List<Double> peakRatio = new ArrayList<>();
        List<Double> starts = new ArrayList<>();
        for (int rep = 0; rep < reps; rep++) {
            Map<String, Double> thisRep = new LinkedHashMap<>();
            for (String variant : rotate(List.of("1 MB blobs", "512 MB blobs"), rep)) {
                boolean small = variant.startsWith("1 ");
                try (MirrorswitchProcess ms = MirrorswitchProcess.start(options.jar(), options.work().resolve("mirrorswitch"),
                        "case5", upstream.url(), List.of())) {
                    starts.add(ms.startToHealthyNanos / 1e6);
                    Target t = new Target("mirrorswitch", ms.origin(), ms.origin() + "/token", "mirrorswitch");
                    String token = t.token(SeedData.BLOB_REPO);
                    ExecutorService pool = Executors.newFixedThreadPool(clients);
                    try {
                        List<Future<?>> futures = new ArrayList<>();
                        for (int c = 0; c < clients; c++) {
                            int client = c;
                            futures.add(pool.submit(() -> {
                                try (Http1 conn = t.connect(256 * 1024)) {
                                    if (small) {
                                        for (int i = 0; i < smallPerClient; i++) {
                                            SeedData.Blob b = seed.small.get((client * smallPerClient + i) % seed.small.size());
                                            check(conn.get(blobPath(SeedData.BLOB_REPO, b.digest()), List.of(bearer(token),
                                                    Target.USER_AGENT), 60_000), 200, b.size(), "small blob");
                                        }
                                    } else {
                                        check(conn.get(blobPath(SeedData.BLOB_REPO, seed.big.digest()), List.of(bearer(token),
                                                Target.USER_AGENT), 300_000), 200, seed.big.size(), "big blob");
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
                    double hwm = Stats.mib(ProcStatus.peak(ms.pid()));
                    double rssNow = Stats.mib(ProcStatus.rss(ms.pid()));
                    peak.get(variant).add(hwm);
                    after.get(variant).add(rssNow);
                    thisRep.put(variant, hwm);
                    raw("case5 rep=" + rep + " variant=" + variant + " peakRssMiB=" + fmt(hwm) + " rssAfterMiB=" + fmt(rssNow)
                            + " startToHealthyMs=" + fmt(ms.startToHealthyNanos / 1e6));
                }
            }
            peakRatio.add(thisRep.get("512 MB blobs") / thisRep.get("1 MB blobs"));
        }
        for (int i = 0; i < extraStarts; i++) {
            try (MirrorswitchProcess ms = MirrorswitchProcess.start(options.jar(), options.work().resolve("mirrorswitch"),
                    "start", upstream.url(), List.of())) {
                starts.add(ms.startToHealthyNanos / 1e6);
                raw("case5 start=" + i + " startToHealthyMs=" + fmt(ms.startToHealthyNanos / 1e6));
            }
        }
        report.caseFive(clients, perClient, peak, after, Stats.of(peakRatio), Stats.of(starts));
        log("case 5 done: peak ratio " + Stats.of(peakRatio).format("%.2f") + ", start " + Stats.of(starts).format("%.0f") + " ms");
    }

    // ---------------------------------------------------------------- helpers

    private static double systemShare(double[] before, double[] after) {
        double user = after[0] - before[0];
        double system = after[1] - before[1];
        return user + system <= 0 ? 0 : system / (user + system);
    }

    /** The process relaying for a target (nginx master with its workers, mirrorswitch), or -1 for direct. */
    private long proxyPid(Target t) {
        if (t == viaNginx) {
            return nginx.process.pid();
        }
        if (t == viaMirrorswitch) {
            return mirrorswitch.pid();
        }
        if (variants.containsKey(t)) {
            return variants.get(t).pid();
        }
        return -1;
    }

    private static void check(Http1.Response r, int status, long length, String what) throws IOException {
        if (r.status() != status) {
            throw new IOException(what + ": status " + r.status() + " (wanted " + status + ")");
        }
        if (r.bodyBytes() != length) {
            throw new IOException(what + ": " + r.bodyBytes() + " bytes (wanted " + length + ")");
        }
    }

    static String blobPath(String repo, String digest) {
        return "/v2/" + repo + "/blobs/" + digest;
    }

    private static String bearer(String token) {
        return "Authorization: Bearer " + token;
    }

    private static <T> List<T> rotate(List<T> items, int by) {
        List<T> out = new ArrayList<>(items);
        java.util.Collections.rotate(out, Math.floorMod(-by, Math.max(1, out.size())));
        return out;
    }

    private static Map<String, List<Double>> series(List<Target> targets) {
        Map<String, List<Double>> m = new LinkedHashMap<>();
        targets.forEach(t -> m.put(t.label(), new ArrayList<>()));
        return m;
    }

    private void raw(String line) {
        raw.add(line);
        System.out.println("  " + line);
    }

    private void log(String line) {
        System.out.printf(Locale.ROOT, "[bench %5.1fs] %s%n", (System.nanoTime() - t0) / 1e9, line);
    }

    private static String fmt(double v) {
        return String.format(Locale.ROOT, "%.1f", v);
    }

    private static String fmt3(double v) {
        return String.format(Locale.ROOT, "%.3f", v);
    }

    private void stopAll() {
        List<AutoCloseable> all = new ArrayList<>(variants.values());
        all.addAll(java.util.Arrays.asList(mirrorswitch, nginx, upstream));
        for (AutoCloseable c : all) {
            if (c != null) {
                try {
                    c.close();
                } catch (Exception e) {
                    System.err.println("bench: stopping " + c + ": " + e);
                }
            }
        }
    }
}
