package io.mirrorswitch.health;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Instant;
import java.util.Optional;
import okhttp3.Headers;
import org.junit.jupiter.api.Test;

/** Announced throttle resets in the header forms upstreams use. */
class RetryAfterTest {
    private static final Instant NOW = Instant.parse("2026-01-01T00:00:00Z");

    private static Optional<Instant> parse(String... namesAndValues) {
        return RetryAfter.parse(Headers.of(namesAndValues), NOW);
    }

    @Test
    void retryAfterSecondsAndHttpDate() {
        assertEquals(Optional.of(NOW.plusSeconds(120)), parse("Retry-After", "120"));
        assertEquals(Optional.of(NOW.plusSeconds(3600)), parse("Retry-After", "Thu, 01 Jan 2026 01:00:00 GMT"));
    }

    @Test
    void rateLimitResetHeaders() {
        assertEquals(Optional.of(NOW.plusSeconds(50)), parse("RateLimit-Reset", "50"));
        assertEquals(Optional.of(NOW.plusSeconds(90)), parse("X-RateLimit-Reset", String.valueOf(NOW.getEpochSecond() + 90)));
        assertEquals(Optional.of(NOW.plusSeconds(30)), parse("RateLimit", "limit=100, remaining=0, reset=30"));
    }

    @Test
    void retryAfterWinsOverRateLimitHeaders() {
        assertEquals(Optional.of(NOW.plusSeconds(10)), parse("RateLimit-Reset", "50", "Retry-After", "10"));
    }

    @Test
    void unusableValuesAnnounceNothing() {
        assertEquals(Optional.empty(), parse("Retry-After", "soon"));
        assertEquals(Optional.empty(), parse("Retry-After", "Wed, 31 Dec 2025 23:00:00 GMT"));
        assertEquals(Optional.empty(), parse("ratelimit-remaining", "0;w=21600"));
        assertEquals(Optional.empty(), parse());
    }

    @Test
    void absurdWaitsAreCapped() {
        assertEquals(Optional.of(NOW.plus(RetryAfter.MAX_WAIT)), parse("Retry-After", "99999999"));
    }

    @Test
    void describeNamesTheAnnouncingHeader() {
        assertEquals("Retry-After 3600", RetryAfter.describe(Headers.of("Retry-After", "3600")));
        assertEquals("RateLimit-Reset 50", RetryAfter.describe(Headers.of("ratelimit-reset", "50")));
        assertEquals("", RetryAfter.describe(Headers.of()));
    }
}
