package io.mirrorswitch.health;

import java.time.Duration;
import java.time.Instant;
import java.util.Optional;

/**
 * The result of one probe round against one upstream.
 *
 * @param upstream        the upstream's configured name
 * @param outcome         the single verdict of the round
 * @param startedAt       when the round began
 * @param timeToFirstByte from sending the manifest {@code HEAD} to its response headers (present in every
 *                        round, so rounds stay comparable when {@code deepEvery} skips the downloads); zero when
 *                        the round failed before that
 * @param total           the whole round
 * @param bytes           manifest and blob bytes downloaded (0 on a shallow round)
 * @param bytesPerSecond  download rate over the manifest and blob steps (0 when nothing was downloaded)
 * @param retryAt         a throttled upstream's announced reset, when it announced one
 * @param note            a short human note: {@code 429 Retry-After 3600}, {@code manifest digest mismatch}
 * @param evidence        the step, status, headers and error text behind the outcome
 */
public record ProbeResult(
        String upstream,
        Outcome outcome,
        Instant startedAt,
        Duration timeToFirstByte,
        Duration total,
        long bytes,
        long bytesPerSecond,
        Optional<Instant> retryAt,
        String note,
        ProbeEvidence evidence) {

    /** A result with no timings, for a round that failed before measuring anything (and for tests). */
    public static ProbeResult failed(String upstream, Outcome outcome, Instant startedAt, Duration total, String note,
                                     ProbeEvidence evidence) {
        return new ProbeResult(upstream, outcome, startedAt, Duration.ZERO, total, 0, 0, Optional.empty(), note, evidence);
    }

    /** A successful round (ok or slow), for tests and tools. */
    public static ProbeResult worked(String upstream, Outcome outcome, Instant startedAt, Duration timeToFirstByte,
                                     Duration total, long bytes) {
        long rate = total.isZero() ? 0 : bytes * 1000 / Math.max(1, total.toMillis());
        return new ProbeResult(upstream, outcome, startedAt, timeToFirstByte, total, bytes, rate, Optional.empty(),
                outcome.word() + " " + total.toMillis() + " ms", ProbeEvidence.NONE);
    }

    public ProbeResult withRetryAt(Instant at) {
        return new ProbeResult(upstream, outcome, startedAt, timeToFirstByte, total, bytes, bytesPerSecond,
                Optional.of(at), note, evidence);
    }

    /** One line for logs and the probe command: {@code hub1 ok 412 ms (ttfb 120 ms, 1.6 KiB)}. */
    public String summary() {
        StringBuilder s = new StringBuilder(upstream).append(' ').append(outcome.word())
                .append(' ').append(total.toMillis()).append(" ms");
        if (!note.isEmpty()) {
            s.append(": ").append(note);
        }
        return s.toString();
    }
}
