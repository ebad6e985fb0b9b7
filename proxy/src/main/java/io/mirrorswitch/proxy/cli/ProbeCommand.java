package io.mirrorswitch.proxy.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.mirrorswitch.config.ConfigException;
import io.mirrorswitch.config.ConfigLoader;
import io.mirrorswitch.config.Durations;
import io.mirrorswitch.config.UpstreamConfig;
import io.mirrorswitch.health.HealthChecker;
import io.mirrorswitch.health.ProbeResult;
import io.mirrorswitch.health.Prober;
import io.mirrorswitch.upstream.TokenCacheListener;
import io.mirrorswitch.upstream.UpstreamClient;
import io.mirrorswitch.upstream.UpstreamHttp;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.Function;
import java.util.stream.Collectors;
import okhttp3.OkHttpClient;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

@Command(name = "probe", mixinStandardHelpOptions = true,
        usageHelpAutoWidth = true,
        description = {"Measure candidate mirrors once, in parallel, and print them fastest first.",
                "",
                "Each mirror is measured the way the health checker does it: GET /v2/ with the mirror's own auth, HEAD "
                        + "the image's manifest, GET it by digest and its smallest blob, both checked against their "
                        + "digests. The table shows total time, time to first byte, throughput, the outcome word (ok, "
                        + "slow, throttled, auth_wall, forbidden, corrupt, not_found, down, stalled) and a short note; "
                        + "mirrors that work come first. This is the \"measure before you switch\" step. Progress goes "
                        + "to stderr, the result to stdout. Exit code 0 when at least one mirror works, 1 when none "
                        + "does, 2 for a bad config or bad arguments.",
                ""},
        footer = {"", "Examples:",
                "  mirrorswitch probe https://registry-1.docker.io https://mirror.gcr.io",
                "  # the configured upstreams, with their credentials",
                "  mirrorswitch probe --config /etc/mirrorswitch/config.yaml",
                "  # another image, a shorter limit",
                "  mirrorswitch probe --image library/busybox:latest --timeout 10s URL",
                "  # the fastest working mirror's name, for scripts",
                "  mirrorswitch probe --json --config config.yaml | jq -r '.results[0].name'"})
final class ProbeCommand implements Callable<Integer> {
    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    @Option(names = "--image", paramLabel = "NAME:TAG",
            description = "Image to measure with (default: the config's health.probe, else library/alpine:3.19)")
    String image;

    @Option(names = "--config", paramLabel = "FILE",
            description = "Measure this config's upstreams, with its credentials and health settings")
    Path config;

    @Parameters(paramLabel = "URL", arity = "0..*", description = "Mirror origins to measure, e.g. https://mirror.example")
    List<String> urls = new ArrayList<>();

    @Option(names = "--timeout", paramLabel = "DURATION", description = "Limit per mirror (default: health.timeout, 30s)")
    String timeout;

    @Option(names = "--slow-after", paramLabel = "DURATION", description = "Slower than this is 'slow', below --timeout (default: health.slowAfter, 5s, "
                    + "or half of --timeout when that is not longer)")
    String slowAfter;

    @Option(names = "--json", description = "Print the results as JSON instead of a table")
    boolean json;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        PrintWriter err = spec.commandLine().getErr();
        if ((config == null) == urls.isEmpty()) {
            err.println("mirrorswitch probe: give either --config FILE or one or more mirror URLs (see --help)");
            return 2;
        }
        ProbeTargets targets;
        try {
            targets = ProbeTargets.of(ConfigLoader.withSystemEnv(), Optional.ofNullable(config), urls,
                    new ProbeTargets.Overrides(image, timeout, slowAfter));
        } catch (ConfigException e) {
            err.println("mirrorswitch probe: " + e.getMessage());
            return 2;
        }
        ProbeReport report = measure(targets, err);
        PrintWriter out = spec.commandLine().getOut();
        out.print(json ? JSON.writeValueAsString(report.json()) + "\n" : report.table());
        out.flush();
        return report.anyWorks() ? 0 : 1;
    }

    private static ProbeReport measure(ProbeTargets targets, PrintWriter err) {
        Clock clock = Clock.systemUTC();
        OkHttpClient http = UpstreamHttp.client(targets.config().timeouts());
        OkHttpClient probeHttp = Prober.probeHttp(http, targets.health());
        List<UpstreamClient> clients = targets.upstreams().stream()
                .map(u -> new UpstreamClient(u, probeHttp, clock, TokenCacheListener.NONE)).toList();
        Map<String, UpstreamConfig> byName = targets.upstreams().stream()
                .collect(Collectors.toMap(UpstreamConfig::name, u -> u));
        Function<String, String> label = name -> targets.fromUrls() ? byName.get(name).origin() : name;
        ExecutorService pool = Executors.newFixedThreadPool(clients.size(), r -> {
            Thread t = new Thread(r, "probe");
            t.setDaemon(true);
            return t;
        });
        try (ProbeProgress progress = new ProbeProgress(err, clients.size())) {
            progress.started("probing " + clients.size() + (clients.size() == 1 ? " mirror" : " mirrors") + " for "
                    + targets.health().probe() + " (limit " + Durations.format(targets.health().timeout())
                    + " each, slow after " + Durations.format(targets.health().slowAfter()) + ")");
            List<ProbeResult> results = HealthChecker.probeAll(clients,
                    progress.around(new Prober(targets.health(), clock), label), pool);
            List<ProbeReport.Row> rows = new ArrayList<>();
            for (int i = 0; i < results.size(); i++) {
                UpstreamConfig upstream = clients.get(i).upstream();
                rows.add(new ProbeReport.Row(upstream, label.apply(upstream.name()), results.get(i)));
            }
            return new ProbeReport(targets.health().probe(), rows);
        } finally {
            pool.shutdownNow();
            http.connectionPool().evictAll();
        }
    }
}
