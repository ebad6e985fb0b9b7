package io.mirrorswitch.proxy.metrics;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

/**
 * Requests served on the registry port, recorded where the access log line is written:
 * {@code mirrorswitch_requests_total{route,status,upstream}}, {@code mirrorswitch_response_bytes_total{route,upstream}}
 * and the histogram {@code mirrorswitch_request_duration_seconds{route,status}}.
 *
 * <p>{@code route} is manifest, blob, tags, v2 (the API root), token (our own token endpoint) or other (refused
 * before routing); {@code status} is the class (2xx, 4xx, ...); {@code upstream} the mirror that served the answer,
 * {@code none} when none did (a token, a refusal, every candidate failed).
 */
public final class RequestMetrics {
    public static final String NO_UPSTREAM = "none";

    /** Buckets from a cached manifest (milliseconds) to a large layer over a slow mirror (minutes). */
    private static final Duration[] BUCKETS = {
            Duration.ofMillis(5), Duration.ofMillis(10), Duration.ofMillis(25), Duration.ofMillis(50),
            Duration.ofMillis(100), Duration.ofMillis(250), Duration.ofMillis(500), Duration.ofSeconds(1),
            Duration.ofMillis(2500), Duration.ofSeconds(5), Duration.ofSeconds(10), Duration.ofSeconds(30),
            Duration.ofSeconds(60), Duration.ofSeconds(120), Duration.ofSeconds(300)};

    private final MeterRegistry registry;

    RequestMetrics(MeterRegistry registry) {
        this.registry = registry;
    }

    /**
     * @param route    a route label (see the class comment)
     * @param upstream the serving upstream's name, or null / "-" when none served it
     */
    public void completed(String route, int status, String upstream, long bytesSent, long durationNanos) {
        String served = upstream == null || upstream.isEmpty() || upstream.equals("-") ? NO_UPSTREAM : upstream;
        String statusClass = (status / 100) + "xx";
        Counter.builder("mirrorswitch.requests")
                .description("Requests answered on the registry port")
                .tags("route", route, "status", statusClass, "upstream", served)
                .register(registry).increment();
        if (bytesSent > 0) {
            Counter.builder("mirrorswitch.response")
                    .baseUnit("bytes")
                    .description("Response body bytes sent to registry:2")
                    .tags("route", route, "upstream", served)
                    .register(registry).increment(bytesSent);
        }
        Timer.builder("mirrorswitch.request.duration")
                .description("Time from a request's arrival to its last byte sent")
                .tags("route", route, "status", statusClass)
                .serviceLevelObjectives(BUCKETS)
                .register(registry).record(durationNanos, TimeUnit.NANOSECONDS);
    }
}
