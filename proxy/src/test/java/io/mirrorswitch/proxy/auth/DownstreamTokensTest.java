package io.mirrorswitch.proxy.auth;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Base64;
import java.util.List;
import org.junit.jupiter.api.Test;

class DownstreamTokensTest {
    private static final Instant T0 = Instant.parse("2026-01-01T00:00:00Z");
    private static final String ALPINE = "repository:library/alpine:pull";

    private static Clock at(Instant t) {
        return Clock.fixed(t, ZoneOffset.UTC);
    }

    /** Tokens verified by a second instance over the same key: the clock moves, the key does not. */
    private static final class MovableClock extends Clock {
        Instant now = T0;

        @Override
        public ZoneOffset getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(java.time.ZoneId zone) {
            return this;
        }

        @Override
        public Instant instant() {
            return now;
        }
    }

    @Test
    void validTokenPermitsItsScopeAndTheBase() {
        DownstreamTokens tokens = new DownstreamTokens(at(T0));
        String token = tokens.issue(List.of(ALPINE));
        assertTrue(tokens.permits(token, ALPINE));
        assertTrue(tokens.permits(token, null), "any valid token admits /v2/");
    }

    @Test
    void wrongScopeIsRefused() {
        DownstreamTokens tokens = new DownstreamTokens(at(T0));
        String token = tokens.issue(List.of(ALPINE));
        assertFalse(tokens.permits(token, "repository:library/busybox:pull"));
        assertFalse(tokens.permits(token, "repository:library/alpine:push"));
        assertFalse(tokens.permits(token, "repository:library:pull"));
        String none = tokens.issue(List.of());
        assertTrue(tokens.permits(none, null));
        assertFalse(tokens.permits(none, ALPINE));
    }

    @Test
    void expiresAfterItsLifetime() {
        MovableClock clock = new MovableClock();
        DownstreamTokens tokens = new DownstreamTokens(clock);
        String token = tokens.issue(List.of(ALPINE));
        clock.now = T0.plus(DownstreamTokens.LIFETIME).minusSeconds(1);
        assertTrue(tokens.permits(token, ALPINE));
        clock.now = T0.plus(DownstreamTokens.LIFETIME);
        assertFalse(tokens.permits(token, ALPINE));
        assertFalse(tokens.permits(token, null));
        clock.now = T0.plus(Duration.ofDays(1));
        assertFalse(tokens.permits(token, null));
    }

    @Test
    void anotherInstanceKeyIsNotAccepted() {
        String foreign = new DownstreamTokens(at(T0)).issue(List.of(ALPINE));
        assertFalse(new DownstreamTokens(at(T0)).permits(foreign, ALPINE));
    }

    @Test
    void forgedPayloadsAreRefused() {
        DownstreamTokens tokens = new DownstreamTokens(at(T0));
        String token = tokens.issue(List.of(ALPINE));
        String signature = token.substring(token.indexOf('.') + 1);
        Base64.Encoder b64 = Base64.getUrlEncoder().withoutPadding();
        long farFuture = T0.plus(Duration.ofDays(365)).getEpochSecond();
        String longer = b64.encodeToString((farFuture + "\n" + ALPINE).getBytes(StandardCharsets.UTF_8));
        String otherScope = b64.encodeToString(((T0.getEpochSecond() + 300) + "\nrepository:secret/app:pull")
                .getBytes(StandardCharsets.UTF_8));

        assertFalse(tokens.permits(longer + "." + signature, ALPINE));
        assertFalse(tokens.permits(otherScope + "." + signature, "repository:secret/app:pull"));
        assertFalse(tokens.permits(longer, null));
        assertFalse(tokens.permits("", null));
        assertFalse(tokens.permits(".", null));
        assertFalse(tokens.permits("." + signature, null));
        assertFalse(tokens.permits(token + "x", ALPINE));
        assertFalse(tokens.permits(token.replace('.', '!'), ALPINE));
        assertFalse(tokens.permits("a+b/c." + signature, null), "not base64url");
        assertFalse(tokens.permits(token + ".extra", ALPINE));
    }

    @Test
    void tokenEndpointGrantsPullOnly() {
        assertEquals(ALPINE, ScopeGrant.pullOnly("repository:library/alpine:pull"));
        assertEquals(ALPINE, ScopeGrant.pullOnly("repository:library/alpine:pull,push"));
        assertEquals(ALPINE, ScopeGrant.pullOnly("repository:library/alpine:*"));
        assertEquals("repository:host:5000/app:pull", ScopeGrant.pullOnly("repository:host:5000/app:pull"));
        assertNull(ScopeGrant.pullOnly("repository:library/alpine:push"));
        assertNull(ScopeGrant.pullOnly("registry:catalog:*"));
        assertNull(ScopeGrant.pullOnly("repository:alpine"));
        assertNull(ScopeGrant.pullOnly(":alpine:pull"));
        assertNull(ScopeGrant.pullOnly("pull"));
        assertTrue(ScopeGrant.covers(ALPINE, ALPINE));
        assertFalse(ScopeGrant.covers(ALPINE, "repository:library/alpine2:pull"));
    }
}
