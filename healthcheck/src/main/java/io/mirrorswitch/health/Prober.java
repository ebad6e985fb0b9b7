package io.mirrorswitch.health;

import io.mirrorswitch.config.HealthConfig;
import io.mirrorswitch.upstream.UpstreamClient;
import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import okhttp3.OkHttpClient;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs one probe round against one upstream and classifies it into one {@link Outcome} with evidence (see
 * {@link ProbeRound} for the steps). It goes through {@link UpstreamClient}, the same auth code the proxy uses.
 * Stateless and thread-safe: rounds for different upstreams may run at the same time.
 *
 * <p>The round is bounded by {@code health.timeout}: a deadline is checked before every request and enforced
 * on every body read. Waiting for response headers is bounded by the client's own timeouts; give probes a
 * client built on {@link #probeHttp} so that wait is capped by {@code health.timeout} too.
 */
public final class Prober implements UpstreamProbe {
    private static final Logger LOG = LoggerFactory.getLogger(Prober.class);

    private final HealthConfig health;
    private final Clock clock;

    public Prober(HealthConfig health, Clock clock) {
        this.health = health;
        this.clock = clock;
    }

    /**
     * One round. {@code deep} rounds also fetch the manifest by digest and a blob (steps 3-4); shallow rounds
     * stop after the manifest {@code HEAD}. Never throws: every failure is an outcome.
     */
    @Override
    public ProbeResult probe(UpstreamClient client, boolean deep) {
        try {
            return new ProbeRound(client, health, clock, deep).run();
        } catch (RuntimeException e) {
            // A bug here must not read as a healthy upstream, nor kill the checker's schedule.
            LOG.error("probe of {} failed unexpectedly", client.upstream().name(), e);
            return ProbeResult.failed(client.upstream().name(), Outcome.DOWN, clock.instant(), Duration.ZERO,
                    "probe error: " + e, ProbeEvidence.error("probe", String.valueOf(e)));
        }
    }

    public HealthConfig health() {
        return health;
    }

    /**
     * The shared upstream client with every call capped at {@code health.timeout}; it keeps the shared
     * connection pool and dispatcher. Use it for the {@link UpstreamClient}s handed to the checker.
     */
    public static OkHttpClient probeHttp(OkHttpClient shared, HealthConfig health) {
        return shared.newBuilder().callTimeout(health.timeout().toMillis(), TimeUnit.MILLISECONDS).build();
    }
}
