package io.mirrorswitch.harness;

import java.util.Objects;

/**
 * One way a mirror misbehaves, for {@link FaultProxy#inject(Rule)}: {@code Fault.x().on(match).times(n)}.
 *
 * <p>Two groups, which differ in when a rule is used up:
 * <ul>
 *   <li><b>Answering faults</b> decide the request themselves, before the target sees it:
 *       {@link #reset()}, {@link #blackhole()}, {@link #status(int)} (and {@link #tooManyRequests(long)}).
 *       A matching rule is used by every matching request. {@link #ignoreRange()} also acts before
 *       forwarding but is used only by requests that carry {@code Range}.</li>
 *   <li><b>Body faults</b> change a 2xx answer of the target: {@link #stallAfterBytes(long)},
 *       {@link #truncateAfterBytes(long)}, {@link #trickle(long)}, {@link #flipByteAt(long)},
 *       {@link #replaceBody(byte[])}, {@link #replaceBodyAndDigest(byte[])}. They are used only by
 *       answers they can act on: a 2xx (a 401 challenge or a 404 passes untouched and does not use
 *       a {@code times(1)} rule up) with a body long enough to reach the fault's offset, so a HEAD
 *       never uses up a stall. Byte offsets count the body as sent, i.e. within a 206 they are
 *       relative to the start of the range.</li>
 * </ul>
 * Rules are checked in injection order. The first matching answering fault wins; otherwise every
 * matching body fault applies, at most one of each kind (so {@code ignoreRange} plus
 * {@code stallAfterBytes}, or {@code trickle} plus {@code flipByteAt}, combine).
 *
 * <p>Two failures are not rules: connection refused is {@link FaultProxy#refuse()} /
 * {@link FaultProxy#resume()} (no request exists to match), and a login wall is a property of the
 * upstream's token endpoint, {@link TokenIssuer#loginWall(boolean)}, since the realm is another server.
 */
public sealed interface Fault permits Fault.Reset, Fault.Blackhole, StatusFault, Fault.StallAfterBytes,
        Fault.TruncateAfterBytes, Fault.Trickle, Fault.FlipByte, Fault.ReplaceBody, Fault.IgnoreRange {

    /** This fault for the requests {@code match} selects, with no limit (narrow with {@link Rule#times}). */
    default Rule on(Match match) {
        return new Rule(this, match, Rule.ALWAYS);
    }

    /**
     * Reads the request, then closes the connection with a TCP RST (SO_LINGER 0) without answering:
     * the client sees "connection reset". The target never sees the request.
     */
    static Fault reset() {
        return new Reset();
    }

    /**
     * Reads the request and never answers; the connection stays open until {@link FaultProxy#clear()}
     * or close() resets it. The client sees only its own read timeout.
     */
    static Fault blackhole() {
        return new Blackhole();
    }

    /** Answers with this status itself; by default with a registry JSON error body. See {@link StatusFault}. */
    static StatusFault status(int status) {
        return StatusFault.of(status);
    }

    /** 429 with {@code Retry-After: <seconds>} and a {@code TOOMANYREQUESTS} JSON error, as Docker Hub sends. */
    static StatusFault tooManyRequests(long retryAfterSeconds) {
        return StatusFault.of(429).retryAfter(retryAfterSeconds);
    }

    /**
     * Sends the head and the first {@code bytes} body bytes, then nothing; the connection is held open
     * until {@link FaultProxy#clear()} or close() resets it. The client sees an idle timeout.
     */
    static Fault stallAfterBytes(long bytes) {
        return new StallAfterBytes(bytes);
    }

    /**
     * Sends the head with the full Content-Length, the first {@code bytes} body bytes, then closes the
     * connection cleanly (FIN): the client sees a premature end of stream, not a reset.
     */
    static Fault truncateAfterBytes(long bytes) {
        return new TruncateAfterBytes(bytes);
    }

    /** Sends the body at about {@code bytesPerSecond}, in small pieces so the connection is never idle. */
    static Fault trickle(long bytesPerSecond) {
        return new Trickle(bytesPerSecond);
    }

    /** Inverts every bit of the body byte at {@code offset}; length and headers stay the same. */
    static Fault flipByteAt(long offset) {
        return new FlipByte(offset);
    }

    /**
     * Sends {@code bytes} instead of the target's body, with the target's headers except
     * Content-Length (which must match to keep HTTP framing); Docker-Content-Digest still names the
     * original, so the body does not hash to it. Applies to HEAD answers too (Content-Length only).
     */
    static Fault replaceBody(byte[] bytes) {
        return new ReplaceBody(bytes.clone(), false);
    }

    /**
     * As {@link #replaceBody(byte[])}, and Docker-Content-Digest becomes the sha256 of {@code bytes}:
     * a consistent mirror serving the wrong image, which only a by-digest check can catch.
     */
    static Fault replaceBodyAndDigest(byte[] bytes) {
        return new ReplaceBody(bytes.clone(), true);
    }

    /** Removes Range (and If-Range) before forwarding, so the target answers a full 200. */
    static Fault ignoreRange() {
        return new IgnoreRange();
    }

    /** @see Fault#reset() */
    record Reset() implements Fault {
    }

    /** @see Fault#blackhole() */
    record Blackhole() implements Fault {
    }

    /** @see Fault#stallAfterBytes(long) */
    record StallAfterBytes(long bytes) implements Fault {
        public StallAfterBytes {
            requireNotNegative(bytes, "bytes");
        }
    }

    /** @see Fault#truncateAfterBytes(long) */
    record TruncateAfterBytes(long bytes) implements Fault {
        public TruncateAfterBytes {
            requireNotNegative(bytes, "bytes");
        }
    }

    /** @see Fault#trickle(long) */
    record Trickle(long bytesPerSecond) implements Fault {
        public Trickle {
            if (bytesPerSecond <= 0) {
                throw new IllegalArgumentException("bytesPerSecond must be positive: " + bytesPerSecond);
            }
        }
    }

    /** @see Fault#flipByteAt(long) */
    record FlipByte(long offset) implements Fault {
        public FlipByte {
            requireNotNegative(offset, "offset");
        }
    }

    /** @see Fault#replaceBody(byte[]) */
    record ReplaceBody(byte[] bytes, boolean rewriteDigest) implements Fault {
        public ReplaceBody {
            Objects.requireNonNull(bytes, "bytes");
        }

        /** The bytes' registry digest, {@code sha256:<hex>}. */
        public String digest() {
            return Sha256.digest(bytes);
        }

        @Override
        public String toString() {
            return "ReplaceBody[" + bytes.length + " bytes " + digest() + (rewriteDigest ? ", digest rewritten]" : "]");
        }
    }

    /** @see Fault#ignoreRange() */
    record IgnoreRange() implements Fault {
    }

    private static void requireNotNegative(long value, String name) {
        if (value < 0) {
            throw new IllegalArgumentException(name + " must not be negative: " + value);
        }
    }
}
