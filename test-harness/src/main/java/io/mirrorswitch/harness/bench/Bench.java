package io.mirrorswitch.harness.bench;

import java.nio.file.Files;
import java.util.List;
import java.util.Locale;

/**
 * The benchmark suite of issue 6: real docker-registry upstream (token auth), Debian's nginx as the peer reverse
 * proxy, mirrorswitch from its jar, fresh registry:2 front caches, and a load client that reads bodies with one
 * copy. Every comparison is a ratio taken inside one round, with the targets' order rotated from round to round;
 * each figure is reported as the median over rounds with the full range. Writes {@code BENCHMARKS.md}.
 *
 * <p>Run through {@code scripts/bench}; options are system properties ({@code bench.*}, see {@link BenchOptions}).
 * This class prepares the seed data and the {@link Testbed}, runs the selected cases (one class each) while noting
 * the run conditions, and writes the {@link Report} and the raw numbers.
 */
public final class Bench {
    private final BenchOptions options;
    private final Report report;
    private final RunLog log = new RunLog();
    private final Testbed testbed;

    private Bench(BenchOptions options) {
        this.options = options;
        this.report = new Report(options);
        this.testbed = new Testbed(options);
    }

    public static void main(String[] args) throws Exception {
        BenchOptions options = BenchOptions.fromSystemProperties();
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
            bench.testbed.close();
        }
        System.exit(status);
    }

    private void run() throws Exception {
        // First, while nothing else of the run is going: the SHA-256 ceiling of this machine's JDK.
        Sha256Speed.Result sha256 = Sha256Speed.measure();
        report.sha256(sha256);
        log.progress("SHA-256, one core (JDK): " + sha256.cell());
        log.raw("sha256 bytes=" + sha256.bytes() + " cpuSeconds=" + RunLog.fmt3(sha256.cpuSeconds()) + " cpuSecondsPerGB="
                + RunLog.fmt3(sha256.cpuSecondsPerGb()) + " MB/s=" + RunLog.fmt1(sha256.mbPerSecond()));
        SeedData.Sizes sizes = options.sizes();
        log.progress("preparing seed data under " + options.work().resolve("seed") + " (reused when present)");
        SeedData seed = SeedData.prepare(options.work().resolve("seed"), sizes);
        log.progress("seed ready: big " + seed.big.size() + " B, " + seed.medium.size() + " x " + sizes.mediumBytes() + " B, "
                + seed.small.size() + " x " + sizes.smallBytes() + " B, image " + seed.image.totalBytes() + " B");
        testbed.start(seed, log);
        report.setup(testbed.nginx().config, MirrorswitchProcess.jvmFlags(), sizes);
        log.progress("upstream " + testbed.upstream().url() + ", nginx " + testbed.nginx().origin() + ", mirrorswitch "
                + testbed.mirrorswitch().origin() + " (pid " + testbed.mirrorswitch().pid() + ")");
        long hold = Long.getLong("bench.holdSeconds", 0);
        if (hold > 0) {
            holdForProfiling(hold, seed);
            return;
        }
        RunContext context = new RunContext(options, seed, testbed, report, log);
        measured(1, "1: one large blob", new LargeBlobCase(context));
        measured(2, "2: concurrent downloads", new ConcurrentDownloadsCase(context));
        measured(3, "3: manifest HEAD latency", new ManifestLatencyCase(context));
        measured(4, "4: cold pulls through registry:2", new ColdPullCase(context));
        measured(5, "5: memory and start-up", new MemoryAndStartupCase(context));
        double seconds = log.elapsedSeconds();
        report.write(seconds);
        log.writeRaw(options.raw());
        log.progress("wrote " + options.out() + " and " + options.raw() + " after " + String.format(Locale.ROOT, "%.0f s", seconds));
    }

    /** For profiling by hand ({@code -Dbench.holdSeconds=N}): everything stays up, tokens printed, no case runs. */
    private void holdForProfiling(long seconds, SeedData seed) throws Exception {
        Target direct = testbed.direct();
        Target viaMirrorswitch = testbed.viaMirrorswitch();
        log.progress("holding " + seconds + " s: blob " + RegistryApi.blobPath(SeedData.BLOB_REPO, seed.big.digest()));
        log.progress("  direct " + direct.origin() + " token " + direct.token(SeedData.BLOB_REPO));
        log.progress("  nginx " + testbed.viaNginx().origin() + " (same token as direct)");
        log.progress("  mirrorswitch " + viaMirrorswitch.origin() + " pid " + testbed.mirrorswitch().pid() + " token "
                + viaMirrorswitch.token(SeedData.BLOB_REPO));
        Thread.sleep(seconds * 1000);
    }

    /** Runs one case if selected, noting how busy the machine was and how much of that was someone else. */
    private void measured(int number, String name, BenchCase benchCase) throws Exception {
        if (!options.runs(number)) {
            return;
        }
        CpuMeter.Snapshot before = CpuMeter.now();
        benchCase.run();
        CpuMeter.Snapshot after = CpuMeter.now();
        double seconds = (after.nanos() - before.nanos()) / 1e9;
        double busy = CpuMeter.busyShare(before, after);
        double foreign = CpuMeter.foreignShare(before, after);
        report.conditions(name, seconds, busy, foreign);
        log.raw("conditions case=" + number + " seconds=" + RunLog.fmt1(seconds) + " busy=" + RunLog.fmt1(100 * busy)
                + "% foreign=" + RunLog.fmt1(100 * foreign) + "%");
    }
}
