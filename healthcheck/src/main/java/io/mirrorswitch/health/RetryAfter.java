package io.mirrorswitch.health;

import java.time.Duration;
import java.time.Instant;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import okhttp3.Headers;

/**
 * When a throttled upstream says it will take requests again: {@code Retry-After} (seconds or an HTTP date),
 * {@code RateLimit-Reset} / {@code X-RateLimit-Reset} (seconds, or epoch seconds as GitHub-style services send),
 * or the structured {@code RateLimit: ..., reset=N} field. Absurd values are capped so a typo upstream cannot
 * bench it for a year.
 */
public final class RetryAfter {
    public static final Duration MAX_WAIT = Duration.ofHours(24);
    /** Values above this are epoch seconds, not a delay (a delay of 30 years is not meant). */
    private static final long EPOCH_SECONDS_THRESHOLD = 1_000_000_000L;
    private static final Pattern RESET_PARAM = Pattern.compile("(?:^|[,;\\s])reset=(\\d+)");

    private RetryAfter() {
    }

    /** The announced reset, if any header announced one. */
    public static Optional<Instant> parse(Headers headers, Instant now) {
        return announced(headers, now).map(at -> at.isAfter(now.plus(MAX_WAIT)) ? now.plus(MAX_WAIT) : at)
                .filter(now::isBefore);
    }

    /** The header that announced it, for the note: {@code Retry-After 3600}, or empty. */
    public static String describe(Headers headers) {
        for (String name : new String[] {"Retry-After", "RateLimit-Reset", "X-RateLimit-Reset", "RateLimit"}) {
            String value = headers.get(name);
            if (value != null) {
                return name + " " + value;
            }
        }
        return "";
    }

    private static Optional<Instant> announced(Headers headers, Instant now) {
        String retryAfter = headers.get("Retry-After");
        if (retryAfter != null) {
            Optional<Instant> at = seconds(retryAfter, now).or(() -> httpDate(retryAfter));
            if (at.isPresent()) {
                return at;
            }
        }
        for (String name : new String[] {"RateLimit-Reset", "X-RateLimit-Reset"}) {
            String value = headers.get(name);
            if (value != null) {
                Optional<Instant> at = seconds(value, now);
                if (at.isPresent()) {
                    return at;
                }
            }
        }
        String structured = headers.get("RateLimit");
        if (structured != null) {
            Matcher m = RESET_PARAM.matcher(structured);
            if (m.find()) {
                return seconds(m.group(1), now);
            }
        }
        return Optional.empty();
    }

    private static Optional<Instant> seconds(String value, Instant now) {
        try {
            long n = Long.parseLong(value.trim());
            if (n < 0) {
                return Optional.empty();
            }
            return Optional.of(n > EPOCH_SECONDS_THRESHOLD ? Instant.ofEpochSecond(n) : now.plusSeconds(n));
        } catch (NumberFormatException e) {
            return Optional.empty();
        }
    }

    private static Optional<Instant> httpDate(String value) {
        try {
            return Optional.of(ZonedDateTime.parse(value.trim(), DateTimeFormatter.RFC_1123_DATE_TIME).toInstant());
        } catch (DateTimeParseException e) {
            return Optional.empty();
        }
    }
}
