package io.mirrorswitch.harness.bench;

import io.mirrorswitch.harness.UpstreamRegistry;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The long-lived processes of a run and the targets that reach the content through them: the upstream
 * docker-registry (token auth) reached directly, through nginx and through the main mirrorswitch, plus any
 * variant builds ({@code -Dbench.variants}). Cases start their own short-lived mirrorswitch instances through
 * {@link #startMirrorswitch}.
 */
final class Testbed implements AutoCloseable {
    private final BenchOptions options;
    private UpstreamRegistry upstream;
    private Nginx nginx;
    private MirrorswitchProcess mirrorswitch;
    private Target direct;
    private Target viaNginx;
    private Target viaMirrorswitch;
    /** Extra mirrorswitch builds measured side by side in cases 1 and 2 ({@code -Dbench.variants=name=jar,...}). */
    private final Map<Target, MirrorswitchProcess> variants = new LinkedHashMap<>();

    Testbed(BenchOptions options) {
        this.options = options;
    }

    /** Starts everything; what did start before a failure is stopped by {@link #close}. */
    void start(SeedData seed, RunLog log) throws IOException, InterruptedException {
        upstream = UpstreamRegistry.tokenAuth("bench-upstream", seed.storage);
        nginx = Nginx.start(options.work().resolve("nginx"), upstream.hostPort());
        mirrorswitch = startMirrorswitch("main", upstream.url());
        direct = new Target("direct", upstream.url(), upstream.issuer().realm(), upstream.issuer().service());
        viaNginx = new Target("nginx", nginx.origin(), upstream.issuer().realm(), upstream.issuer().service());
        viaMirrorswitch = Target.throughMirrorswitch("mirrorswitch", mirrorswitch);
        for (String spec : System.getProperty("bench.variants", "").split(",")) {
            if (spec.isBlank()) {
                continue;
            }
            // name=JAR[;section.key=value...]; JAR "-" is the jar under test, with other settings.
            String[] nameAndRest = spec.split("=", 2);
            String[] parts = nameAndRest[1].split(";");
            Path jar = parts[0].equals("-") ? options.jar() : Path.of(parts[0]).toAbsolutePath();
            List<String> settings = List.of(parts).subList(1, parts.length);
            MirrorswitchProcess v = MirrorswitchProcess.start(jar, options.mirrorswitchDir(), "variant-" + nameAndRest[0],
                    upstream.url(), List.of(), settings);
            variants.put(Target.throughMirrorswitch("mirrorswitch[" + nameAndRest[0] + "]", v), v);
            log.progress("variant " + nameAndRest[0] + ": " + jar + " " + settings + " at " + v.origin());
        }
    }

    /** A fresh instance of the jar under test with the default JVM flags, relaying for {@code upstreamOrigin}. */
    MirrorswitchProcess startMirrorswitch(String name, String upstreamOrigin) throws IOException, InterruptedException {
        return MirrorswitchProcess.start(options.jar(), options.mirrorswitchDir(), name, upstreamOrigin, List.of());
    }

    UpstreamRegistry upstream() {
        return upstream;
    }

    Nginx nginx() {
        return nginx;
    }

    MirrorswitchProcess mirrorswitch() {
        return mirrorswitch;
    }

    Target direct() {
        return direct;
    }

    Target viaNginx() {
        return viaNginx;
    }

    Target viaMirrorswitch() {
        return viaMirrorswitch;
    }

    /** Direct, nginx, mirrorswitch, then the variants. */
    List<Target> throughputTargets() {
        List<Target> targets = new ArrayList<>(List.of(direct, viaNginx, viaMirrorswitch));
        targets.addAll(variants.keySet());
        return targets;
    }

    /** The targets with a proxy in the path: nginx, mirrorswitch, then the variants. */
    List<Target> proxies() {
        List<Target> targets = new ArrayList<>(List.of(viaNginx, viaMirrorswitch));
        targets.addAll(variants.keySet());
        return targets;
    }

    /** The process relaying for a target (nginx master with its workers, mirrorswitch), or -1 for direct. */
    long proxyPid(Target t) {
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

    @Override
    public void close() {
        List<AutoCloseable> all = new ArrayList<>(variants.values());
        all.addAll(Arrays.asList(mirrorswitch, nginx, upstream));
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
