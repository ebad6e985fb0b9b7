package io.mirrorswitch.harness.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Writes {@code BENCHMARKS.md}. Everything above {@link #KEPT_HEADING} is generated; that heading and everything
 * below it (the hand-written profiling notes) is carried over from the previous file.
 */
final class Report {
    static final String KEPT_HEADING = "## What we tried";

    /** Case 4's per-mode figures. */
    static final class PullSeries {
        final Map<String, List<Double>> seconds = new LinkedHashMap<>();
        final Map<String, List<Double>> bytesRatio = new LinkedHashMap<>();
        final Map<String, List<Double>> blobGets = new LinkedHashMap<>();
        final List<Double> timeRatio = new ArrayList<>();
    }

    private final BenchOptions options;
    private final List<String[]> targets = new ArrayList<>();
    private final StringBuilder results = new StringBuilder();
    private final List<String> conditions = new ArrayList<>();
    private String nginxConfig = "";
    private List<String> jvmFlags = List.of();
    private SeedData.Sizes sizes;
    private Sha256Speed.Result sha256;

    Report(BenchOptions options) {
        this.options = options;
    }

    void setup(String nginxConfig, List<String> jvmFlags, SeedData.Sizes sizes) {
        this.nginxConfig = nginxConfig;
        this.jvmFlags = jvmFlags;
        this.sizes = sizes;
    }

    void sha256(Sha256Speed.Result measured) {
        this.sha256 = measured;
    }

    void caseOne(Map<String, List<Double>> mbps, Map<String, List<Double>> cpu, Map<String, List<Double>> overNginx,
                 Stats.Summary msOverNginx, Stats.Summary msOverDirect,
                 Stats.Summary nginxOverDirect) {
        results.append("### Case 1: one ").append(sizes.bigBytes() / 1_000_000).append(" MB blob over loopback\n\n");
        results.append("One GET of the whole blob on a fresh connection, body read and dropped by the client; "
                + "throughput = blob size / time from request to last byte. Proxy CPU = user + system CPU time of the "
                + "proxy's processes (nginx master and workers; the mirrorswitch JVM) during the transfer, per 10^9 bytes "
                + "relayed.\n\n");
        results.append("| Path | Throughput, MB/s: median (min–max) | Proxy CPU seconds per GB | Rounds |\n|---|---|---|---|\n");
        mbps.forEach((k, v) -> results.append("| ").append(k).append(" | ").append(Stats.of(v).markdown("%.0f")).append(" | ")
                .append(proxyCpuCell(cpu, k)).append(" | ").append(v.size()).append(" |\n"));
        results.append("\n| Ratio (same round) | median (min–max) |\n|---|---|\n");
        results.append("| mirrorswitch / nginx | ").append(msOverNginx.markdown("%.2f")).append(" |\n");
        results.append("| mirrorswitch / direct | ").append(msOverDirect.markdown("%.2f")).append(" |\n");
        results.append("| nginx / direct | ").append(nginxOverDirect.markdown("%.2f")).append(" |\n");
        variantRatios(overNginx);
        results.append('\n');
        target("1", "mirrorswitch ≥ 1.0 × nginx throughput", msOverNginx.markdown("%.2f") + " ×", msOverNginx.median() >= 1.0);
    }

    void caseTwo(int clients, Map<String, List<Double>> mbps, Map<String, List<Double>> cpu, Map<String, List<Double>> overNginx,
                 Map<String, List<Double>> peaks, Map<String, List<Double>> errors, Stats.Summary rss,
                 Stats.Summary msOverNginx, List<String> errorSamples) {
        results.append("### Case 2: ").append(clients).append(" concurrent downloads of ").append(sizes.mediumBytes() / 1_000_000)
                .append(" MB blobs\n\n");
        results.append(clients).append(" clients start together, each on its own connection, each a different blob "
                + "(distinct digests: nothing can be shared between them). Aggregate = all bytes / time until the last "
                + "download ended. Peak RSS = mirrorswitch's VmHWM over the burst (reset before it via "
                + "/proc/<pid>/clear_refs, and sampled every 20 ms).\n\n");
        results.append("| Path | Aggregate MB/s: median (min–max) | Proxy CPU seconds per GB | Errors per round: median (max) | Rounds |\n"
                + "|---|---|---|---|---|\n");
        mbps.forEach((k, v) -> {
            Stats.Summary e = Stats.of(errors.get(k));
            results.append("| ").append(k).append(" | ").append(Stats.of(v).markdown("%.0f")).append(" | ")
                    .append(proxyCpuCell(cpu, k)).append(" | ")
                    .append(String.format(Locale.ROOT, "%.0f (%.0f)", e.median(), e.max())).append(" | ").append(v.size())
                    .append(" |\n");
        });
        results.append("\n| Figure | median (min–max) |\n|---|---|\n");
        results.append("| mirrorswitch / nginx aggregate (same round) | ").append(msOverNginx.markdown("%.2f")).append(" |\n");
        results.append("| mirrorswitch peak RSS, MiB | ").append(rss.markdown("%.0f")).append(" |\n");
        variantRatios(overNginx);
        peaks.forEach((k, v) -> {
            if (k.startsWith("mirrorswitch[")) {
                results.append("| ").append(k).append(" peak RSS, MiB | ").append(Stats.of(v).markdown("%.0f")).append(" |\n");
            }
        });
        results.append('\n');
        if (!errorSamples.isEmpty()) {
            results.append("First errors seen: ").append(String.join("; ", errorSamples)).append("\n\n");
        }
        double msErrors = errors.get("mirrorswitch").stream().mapToDouble(Double::doubleValue).sum();
        target("2", "aggregate ≥ 0.9 × nginx", msOverNginx.markdown("%.2f") + " ×", msOverNginx.median() >= 0.9);
        target("2", "zero errors", String.format(Locale.ROOT, "%.0f errors in %d rounds", msErrors, mbps.get("mirrorswitch").size()),
                msErrors == 0);
        target("2", "peak RSS ≤ 256 MiB", String.format(Locale.ROOT, "%.0f MiB max (median %.0f)", rss.max(), rss.median()),
                rss.max() <= 256);
    }

    void caseThree(int clients, int iterations, Map<String, List<Double>> p50, Map<String, List<Double>> p99,
                   Map<String, List<Double>> added50, Map<String, List<Double>> added99, Map<String, List<Double>> tokenOnly) {
        results.append("### Case 3: manifest HEAD latency, ").append(clients).append(clients == 1 ? " client" : " concurrent clients")
                .append("\n\n");
        results.append("Per iteration, as registry:2 does for every client request: `GET <realm>?service=..&scope=repository:"
                + "bench/tiny:pull` (the target's own realm: the upstream's issuer for direct and nginx, mirrorswitch's "
                + "`/token` for mirrorswitch), then `HEAD /v2/bench/tiny/manifests/latest` with that token and registry:2's "
                + "six Accept lines; both on kept-alive connections. ").append(clients).append(" × ").append(iterations)
                .append(" iterations per round; percentiles per round, then median (min–max) over rounds. "
                        + "Added = target's percentile − direct's percentile in the same round.")
                .append(clients > 1 ? " With this many clients the two cores are saturated (see run conditions), so "
                        + "latency is mostly queueing for CPU: a path that burns less CPU per request (mirrorswitch's own "
                        + "token endpoint signs no RSA, and it reuses one cached upstream token) can come out ahead of "
                        + "direct." : "")
                .append("\n\n");
        results.append("| Path | p50 ms | p99 ms | added p50 ms | added p99 ms | of which token request, p50 ms |\n"
                + "|---|---|---|---|---|---|\n");
        p50.forEach((k, v) -> results.append("| ").append(k).append(" | ").append(Stats.of(v).markdown("%.3f")).append(" | ")
                .append(Stats.of(p99.get(k)).markdown("%.3f")).append(" | ")
                .append(k.equals("direct") ? "—" : Stats.of(added50.get(k)).markdown("%.3f")).append(" | ")
                .append(k.equals("direct") ? "—" : Stats.of(added99.get(k)).markdown("%.3f")).append(" | ")
                .append(Stats.of(tokenOnly.get(k)).markdown("%.3f")).append(" |\n"));
        results.append('\n');
        Stats.Summary a50 = Stats.of(added50.get("mirrorswitch"));
        Stats.Summary a99 = Stats.of(added99.get("mirrorswitch"));
        target("3", "added p50 ≤ 1 ms at " + clients + (clients == 1 ? " client" : " clients"), a50.markdown("%.3f") + " ms",
                a50.median() <= 1.0);
        target("3", "added p99 ≤ 5 ms at " + clients + (clients == 1 ? " client" : " clients"), a99.markdown("%.3f") + " ms",
                a99.median() <= 5.0);
    }

    void caseFour(long imageBytes, long limit, Map<String, PullSeries> modes) {
        results.append("### Case 4: cold pull through a fresh registry:2\n\n");
        results.append("Image: ").append(sizes.imageLayers()).append(" layers × ").append(sizes.imageLayerBytes() / 1_000_000)
                .append(" MB + config + manifest = ").append(String.format(Locale.ROOT, "%.1f", imageBytes / 1e6))
                .append(" MB. Each run starts a new docker-registry (2.8, `proxy.remoteurl`) with empty storage; the client "
                        + "fetches the manifest by tag, then the config, then the layers three at a time (as docker does), "
                        + "checking every digest. Time = first request to last verified byte. Upstream bytes = sum of "
                        + "`http.response.written` in the upstream registry's own log once it has gone quiet (registry:2's "
                        + "cache fill included). Limited = a FaultProxy in front of the upstream with one ")
                .append(limit / 1_000_000).append(" MB/s budget shared by all its connections.\n\n");
        results.append("| Upstream link | Path | Pull time s | Upstream bytes ÷ image size | Upstream blob GETs | Runs |\n"
                + "|---|---|---|---|---|---|\n");
        modes.forEach((mode, s) -> s.seconds.forEach((path, v) -> results.append("| ").append(mode).append(" | ")
                .append("registry:2 → ").append(path.equals("direct") ? "upstream" : "mirrorswitch → upstream").append(" | ")
                .append(Stats.of(v).markdown("%.2f")).append(" | ").append(Stats.of(s.bytesRatio.get(path)).markdown("%.2f"))
                .append(" | ").append(Stats.of(s.blobGets.get(path)).markdown("%.0f")).append(" | ").append(v.size()).append(" |\n")));
        results.append("\n| Ratio (same run) | median (min–max) |\n|---|---|\n");
        modes.forEach((mode, s) -> results.append("| ").append(mode).append(": mirrorswitch path / direct path, pull time | ")
                .append(Stats.of(s.timeRatio).markdown("%.2f")).append(" |\n"));
        results.append('\n');
        PullSeries unlimited = modes.get("unlimited");
        PullSeries limited = modes.get("limited");
        if (unlimited != null) {
            Stats.Summary r = Stats.of(unlimited.timeRatio);
            target("4", "unlimited upstream: pull ≤ 1.05 × direct", r.markdown("%.2f") + " ×", r.median() <= 1.05);
        }
        if (limited != null) {
            Stats.Summary r = Stats.of(limited.timeRatio);
            target("4", "limited upstream: pull ≤ 0.6 × direct (needs coalescing)", r.markdown("%.2f") + " ×",
                    r.median() <= 0.6);
            Stats.Summary b = Stats.of(limited.bytesRatio.get("mirrorswitch"));
            Stats.Summary d = Stats.of(limited.bytesRatio.get("direct"));
            target("4", "limited upstream: upstream bytes ≈ 1.0 × image (direct ≈ 2.0 ×)",
                    b.markdown("%.2f") + " × (direct " + d.markdown("%.2f") + " ×)", b.median() <= 1.1);
        }
    }

    /**
     * @param smallLabel the variant of many small blobs, as labelled in {@code peak} and {@code after}
     * @param bigLabel   the variant of one big blob per client
     */
    void caseFive(int clients, long perClient, String smallLabel, String bigLabel, Map<String, List<Double>> peak,
                  Map<String, List<Double>> after, Stats.Summary peakRatio, Stats.Summary starts) {
        results.append("### Case 5: memory and start-up\n\n");
        results.append("A fresh mirrorswitch per variant; ").append(clients).append(" clients each stream ")
                .append(perClient / 1_000_000).append(" MB through it, either as ").append(smallLabel).append(" (")
                .append(perClient / sizes.smallBytes()).append(" requests each, ").append(sizes.smallCount())
                .append(" distinct blobs) or as one ").append(sizes.bigBytes() / 1_000_000)
                .append(" MB blob. Same bytes, same concurrency; only the blob size differs. Peak = VmHWM, after = VmRSS "
                        + "when the streams are done.\n\n");
        results.append("| Variant | Peak RSS MiB | RSS after MiB | Reps |\n|---|---|---|---|\n");
        peak.forEach((k, v) -> results.append("| ").append(k).append(" | ").append(Stats.of(v).markdown("%.0f")).append(" | ")
                .append(Stats.of(after.get(k)).markdown("%.0f")).append(" | ").append(v.size()).append(" |\n"));
        results.append("\n| Figure | median (min–max) |\n|---|---|\n");
        results.append("| peak RSS ").append(bigLabel).append(" ÷ ").append(smallLabel).append(" (same rep) | ")
                .append(peakRatio.markdown("%.2f")).append(" |\n");
        results.append("| process start → first `/healthz` 200, ms (").append(starts.n()).append(" starts) | ")
                .append(starts.markdown("%.0f")).append(" |\n\n");
        target("5", "RSS flat with blob size (peak ratio ≤ 1.10)", peakRatio.markdown("%.2f") + " ×", peakRatio.median() <= 1.10);
        target("5", "start to healthy ≤ 1.5 s", starts.markdown("%.0f") + " ms", starts.median() <= 1500);
    }

    /**
     * Proxy CPU seconds per GB of one path; a dash for direct, which has no proxy, and for rounds in which the path
     * received nothing (NaN: no bytes to divide by), which the note after the figure counts.
     */
    private static String proxyCpuCell(Map<String, List<Double>> cpu, String path) {
        if (!cpu.containsKey(path)) {
            return "—";
        }
        List<Double> all = cpu.get(path);
        List<Double> defined = all.stream().filter(Double::isFinite).toList();
        if (defined.isEmpty()) {
            return "—";
        }
        String cell = Stats.of(defined).markdown("%.2f");
        int undefined = all.size() - defined.size();
        return undefined == 0 ? cell
                : cell + "; — in " + undefined + " of " + all.size() + " rounds (nothing received)";
    }

    /** Rows for experimental builds (bench.variants), which have no target of their own. */
    private void variantRatios(Map<String, List<Double>> overNginx) {
        overNginx.forEach((k, v) -> {
            if (k.startsWith("mirrorswitch[")) {
                results.append("| ").append(k).append(" / nginx | ").append(Stats.of(v).markdown("%.2f")).append(" |\n");
            }
        });
    }

    void conditions(String name, double seconds, double busy, double foreign) {
        conditions.add(String.format(Locale.ROOT, "| %s | %.0f s | %.0f %% | %.0f %% |", name, seconds, 100 * busy, 100 * foreign));
    }

    private void target(String c, String what, String measured, boolean met) {
        targets.add(new String[] {c, what, measured, met ? "met" : "**NOT met**"});
    }

    void write(double runSeconds) throws IOException {
        StringBuilder md = new StringBuilder();
        md.append("# Benchmarks\n\n");
        md.append("Generated by `scripts/bench` (driver: `test-harness/src/main/java/io/mirrorswitch/harness/bench/Bench.java`) on ")
                .append(ZonedDateTime.now(ZoneOffset.UTC).format(DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm 'UTC'")))
                .append(", whole run ").append(String.format(Locale.ROOT, "%.0f s", runSeconds))
                .append(options.quick() ? " (**quick mode: reduced sizes, not the issue's cases**)" : "")
                .append(". mirrorswitch built from ").append(options.commit()).append(".\n\n");
        md.append("All figures are medians over rounds with the full range in brackets; every comparison is a ratio of two "
                + "figures measured in the same round, side by side, and the order of the paths is rotated from round to "
                + "round. MB = 10^6 bytes, MiB = 2^20 bytes. A target counts as met when the median meets it "
                + "(RSS: the worst round).\n\n");
        md.append("## Machine\n\n");
        md.append("| | |\n|---|---|\n");
        md.append("| CPU | ").append(Machine.cpuModel()).append(", ").append(Runtime.getRuntime().availableProcessors())
                .append(" cores (nproc) |\n");
        md.append("| Memory | ").append(Machine.memory()).append(" |\n");
        md.append("| Kernel | ").append(Machine.kernel()).append(" |\n");
        md.append("| JDK (driver and mirrorswitch) | ").append(System.getProperty("java.vm.name")).append(' ')
                .append(System.getProperty("java.runtime.version")).append(" |\n");
        md.append("| SHA-256, one core (JDK) | ").append(sha256.cell()).append(" |\n");
        md.append("| mirrorswitch JVM flags | `").append(String.join(" ", jvmFlags)).append("` (the Dockerfile's ENTRYPOINT) |\n");
        md.append("| docker-registry | ").append(Machine.version(List.of(
                System.getProperty("mirrorswitch.harness.registryBinary", "/usr/bin/docker-registry"), "--version"))).append(" |\n");
        md.append("| nginx | ").append(Machine.version(List.of(Nginx.BINARY, "-v"))).append(" |\n\n");
        md.append("Run conditions: how busy the machine was during each case, and how much of that CPU went to processes "
                + "that are not part of the benchmark (another build or test run on this shared machine distorts a "
                + "case where that share is large).\n\n");
        md.append("| Case | Duration | CPU busy (all cores) | of which other processes |\n|---|---|---|---|\n");
        conditions.forEach(c -> md.append(c).append('\n'));
        md.append('\n');
        md.append("## Targets (issue 6)\n\n");
        md.append("| Case | Target | Measured: median (min–max) | Result |\n|---|---|---|---|\n");
        for (String[] t : targets) {
            md.append("| ").append(String.join(" | ", t)).append(" |\n");
        }
        md.append("\n## Results\n\n").append(results);
        md.append("## Setup\n\n");
        md.append("- Upstream: Debian's docker-registry with token auth (the harness's RS256 TokenIssuer), storage written "
                + "straight into the filesystem layout (blobs/sha256/…/data, `_layers` and manifest links), all on 127.0.0.1. "
                + "Blob bodies are random bytes; they are read from the page cache.\n");
        md.append("- mirrorswitch: `java ").append(String.join(" ", jvmFlags))
                .append(" -jar proxy/target/mirrorswitch.jar serve --config …` with one upstream (the registry above) and "
                        + "default timeouts; its own token endpoint and challenge in front, the upstream's token flow behind.\n");
        md.append("- Load client: JDK only, one blocking SocketChannel per connection reading into a direct buffer "
                + "(1 MiB in case 1, 256 KiB otherwise) and dropping the bytes, so each byte costs the client one copy; "
                + "case 4's client hashes every blob.\n");
        md.append("- The upstream's token issuer is the harness's JDK HttpServer, run with `-Dsun.net.httpserver.nodelay=true` "
                + "(TCP_NODELAY, as Go token servers have): without it every kept-alive token request waits ~40 ms for a "
                + "delayed ACK, which would make direct and nginx look slower than they are.\n");
        md.append("- Everything shares the same ").append(Runtime.getRuntime().availableProcessors())
                .append(" cores: client, proxy and upstream compete for CPU, as they would on a small host.\n");
        md.append("- Raw per-round numbers of the last run: `").append(options.rawForReport()).append("` "
                + "(not committed); logs of every process under `").append(options.work()).append("`.\n\n");
        md.append("<details><summary>nginx.conf used (peer reverse proxy)</summary>\n\n```nginx\n").append(nginxConfig)
                .append("```\n</details>\n\n");
        md.append(keptSection());
        Files.writeString(options.out(), md.toString());
    }

    private String keptSection() throws IOException {
        if (Files.exists(options.out())) {
            String old = Files.readString(options.out());
            int at = old.indexOf(KEPT_HEADING);
            if (at >= 0) {
                return old.substring(at);
            }
        }
        return KEPT_HEADING + "\n\n(Profiling notes go here; this section is kept when the file is regenerated.)\n";
    }
}
