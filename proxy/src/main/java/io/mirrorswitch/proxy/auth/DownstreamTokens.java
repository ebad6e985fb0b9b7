package io.mirrorswitch.proxy.auth;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.List;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * mirrorswitch's own tokens, the ones registry:2 presents. They are opaque HMAC-signed grants (scopes plus an
 * expiry) under a key that lives only in this process, and they never depend on any upstream: that is what
 * lets an upstream switch go unnoticed by registry:2. A restart invalidates outstanding tokens, which costs at
 * most one request: registry:2 fetches a fresh token for every client request anyway.
 */
public final class DownstreamTokens {
    public static final Duration LIFETIME = Duration.ofMinutes(5);
    private static final Base64.Encoder B64 = Base64.getUrlEncoder().withoutPadding();
    private static final Base64.Decoder B64D = Base64.getUrlDecoder();

    private final byte[] key;
    private final Clock clock;

    public DownstreamTokens(Clock clock) {
        this.key = new byte[32];
        new SecureRandom().nextBytes(key);
        this.clock = clock;
    }

    /** A token granting pull on the given scopes until {@link #LIFETIME} from now. */
    public String issue(List<String> scopes) {
        long expiry = clock.instant().plus(LIFETIME).getEpochSecond();
        String payload = expiry + "\n" + String.join("\n", scopes);
        String encoded = B64.encodeToString(payload.getBytes(StandardCharsets.UTF_8));
        return encoded + "." + B64.encodeToString(sign(encoded));
    }

    /** True when the token is ours, unexpired, and grants {@code scope} (or any token, for a null scope). */
    public boolean permits(String token, String scope) {
        int dot = token.indexOf('.');
        if (dot <= 0) {
            return false;
        }
        String encoded = token.substring(0, dot);
        byte[] signature;
        String payload;
        try {
            signature = B64D.decode(token.substring(dot + 1));
            payload = new String(B64D.decode(encoded), StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            return false;
        }
        if (!MessageDigest.isEqual(signature, sign(encoded))) {
            return false;
        }
        String[] lines = payload.split("\n");
        long expiry;
        try {
            expiry = Long.parseLong(lines[0]);
        } catch (NumberFormatException e) {
            return false;
        }
        if (!clock.instant().isBefore(Instant.ofEpochSecond(expiry))) {
            return false;
        }
        if (scope == null) {
            return true;
        }
        for (int i = 1; i < lines.length; i++) {
            if (ScopeGrant.covers(lines[i], scope)) {
                return true;
            }
        }
        return false;
    }

    private byte[] sign(String encoded) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(key, "HmacSHA256"));
            return mac.doFinal(ByteBuffer.wrap(encoded.getBytes(StandardCharsets.US_ASCII)).array());
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 is part of every JDK", e);
        }
    }
}
