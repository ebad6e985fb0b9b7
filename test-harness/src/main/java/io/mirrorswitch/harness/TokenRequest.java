package io.mirrorswitch.harness;

import java.time.Instant;
import java.util.List;

/**
 * One request a {@link TokenIssuer} received, as seen on the wire, with the status it answered.
 *
 * @param authorization the raw Authorization header, or null when the request was anonymous
 * @param username      the Basic-auth user name presented, or null
 * @param service       the {@code service} query parameter, or null
 * @param scopes        every {@code scope} query parameter, in order
 * @param account       the {@code account} query parameter, or null
 * @param status        the HTTP status the issuer answered
 */
public record TokenRequest(Instant receivedAt, String method, String authorization, String username,
                           String service, List<String> scopes, String account, int status) {

    public boolean anonymous() {
        return authorization == null;
    }

    public boolean granted() {
        return status == 200;
    }
}
