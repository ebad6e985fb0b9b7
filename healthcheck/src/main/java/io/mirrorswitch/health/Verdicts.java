package io.mirrorswitch.health;

import io.mirrorswitch.upstream.UpstreamAuthException;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.net.ConnectException;
import java.net.NoRouteToHostException;
import java.net.SocketTimeoutException;
import java.net.UnknownHostException;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.net.ssl.SSLException;
import okhttp3.Headers;

/**
 * Turns what a probe step received (a status, an exception) into exactly one {@link Outcome} with a short note
 * and evidence. The mapping is issue 3's: 429 throttled, refused token endpoint auth_wall, 403 forbidden,
 * non-registry bodies corrupt, 404 not_found, transport failures and 5xx down, a body that stops stalled.
 */
final class Verdicts {
    /** What a step was fetching; a 404 means different things for each. */
    enum Target { API_ROOT, MANIFEST, BLOB }

    /** Response headers worth keeping as evidence. Never Authorization, cookies or signed redirect URLs. */
    private static final List<String> EVIDENCE_HEADERS = List.of(
            "Content-Type", "Content-Length", "Docker-Content-Digest", "Docker-Distribution-Api-Version",
            "Retry-After", "RateLimit-Limit", "RateLimit-Remaining", "RateLimit-Reset", "RateLimit",
            "X-RateLimit-Limit", "X-RateLimit-Remaining", "X-RateLimit-Reset", "WWW-Authenticate", "Server");
    private static final Pattern HTML_TITLE = Pattern.compile("(?is)<title[^>]*>(.*?)</title>");
    private static final Pattern AUTH_ERROR = Pattern.compile("error=\"([^\"]*)\"");

    private Verdicts() {
    }

    static Map<String, String> evidenceHeaders(Headers headers) {
        Map<String, String> out = new LinkedHashMap<>();
        for (String name : EVIDENCE_HEADERS) {
            String value = headers.get(name);
            if (value != null) {
                out.put(name, value);
            }
        }
        return out;
    }

    static ProbeFailure forStatus(String step, int status, Headers headers, String body, Target target, String what,
                                  Instant now) {
        String excerpt = excerpt(body, headers.get("Content-Type"));
        ProbeEvidence evidence = ProbeEvidence.of(step, status, evidenceHeaders(headers), excerpt);
        if (status == 429) {
            String announced = RetryAfter.describe(headers);
            return new ProbeFailure(Outcome.THROTTLED, "429" + (announced.isEmpty() ? " without announced reset" : " " + announced),
                    evidence, RetryAfter.parse(headers, now));
        }
        if (status == 401) {
            String error = Optional.ofNullable(headers.get("WWW-Authenticate")).map(AUTH_ERROR::matcher)
                    .filter(Matcher::find).map(m -> ": " + m.group(1)).orElse("");
            return new ProbeFailure(Outcome.AUTH_WALL, "401 on " + what + " even after authenticating" + error, evidence);
        }
        if (status == 403) {
            return new ProbeFailure(Outcome.FORBIDDEN, "403 on " + what + suffix(excerpt), evidence);
        }
        if (status == 404) {
            return target == Target.API_ROOT
                    ? new ProbeFailure(Outcome.CORRUPT, "404 on /v2/: not a registry API", evidence)
                    : new ProbeFailure(Outcome.NOT_FOUND, what + " not found (404)", evidence);
        }
        if (status >= 500) {
            return new ProbeFailure(Outcome.DOWN, status + " on " + what + suffix(excerpt), evidence);
        }
        return new ProbeFailure(Outcome.DOWN, "unexpected status " + status + " on " + what + suffix(excerpt), evidence);
    }

    /** A transport failure before the response headers arrived. */
    static ProbeFailure forException(String step, IOException e) {
        ProbeEvidence evidence = ProbeEvidence.error(step, String.valueOf(e.getMessage()));
        if (e instanceof UpstreamAuthException auth) {
            String note = auth.note();
            // The token endpoint's request is the step that failed, not the registry request that needed the token.
            ProbeEvidence ev = ProbeEvidence.of(auth.step().orElse(step), auth.status(), evidenceHeaders(auth.headers()),
                    auth.detail());
            if (auth.status() == 429) {
                return new ProbeFailure(Outcome.THROTTLED, note, ev);
            }
            if (auth.status() >= 500) {
                return new ProbeFailure(Outcome.DOWN, note, ev);
            }
            return new ProbeFailure(Outcome.AUTH_WALL, note, ev);
        }
        String message = String.valueOf(e.getMessage());
        if (e instanceof ConnectException || e instanceof NoRouteToHostException) {
            return new ProbeFailure(Outcome.DOWN, "connect refused", evidence);
        }
        if (e instanceof UnknownHostException) {
            return new ProbeFailure(Outcome.DOWN, "DNS: unknown host " + message, evidence);
        }
        if (e instanceof SSLException) {
            return new ProbeFailure(Outcome.DOWN, "TLS: " + message, evidence);
        }
        if (e instanceof SocketTimeoutException && message.toLowerCase(Locale.ROOT).contains("connect")) {
            return new ProbeFailure(Outcome.DOWN, "connect timeout", evidence);
        }
        if (e instanceof InterruptedIOException) {
            return new ProbeFailure(Outcome.DOWN, "no response headers in time (first-byte timeout)", evidence);
        }
        // A plain IOException's message is already written for people (e.g. a redirect loop); subclasses are named.
        String what = e.getClass() == IOException.class ? message : e.getClass().getSimpleName() + ": " + message;
        return new ProbeFailure(Outcome.DOWN, what, evidence);
    }

    /** The body stopped (timeout, reset, early end) after the headers arrived. */
    static ProbeFailure stalled(String step, String what, long bytesSoFar, IOException e, Map<String, String> headers) {
        String why = e instanceof InterruptedIOException ? "no data in time" : String.valueOf(e.getMessage());
        return new ProbeFailure(Outcome.STALLED, what + " body stopped after " + bytesSoFar + " bytes (" + why + ")",
                new ProbeEvidence(step, java.util.OptionalInt.of(200), headers, String.valueOf(e)));
    }

    static boolean looksLikeHtml(String contentType, byte[] body) {
        if (contentType != null && contentType.toLowerCase(Locale.ROOT).contains("html")) {
            return true;
        }
        for (byte b : body) {
            if (!Character.isWhitespace(b)) {
                return b == '<';
            }
        }
        return false;
    }

    /** A short, single-line excerpt of an error body; an HTML page is represented by its title. */
    static String excerpt(String body, String contentType) {
        if (body == null || body.isBlank()) {
            return "";
        }
        String text = body;
        if (looksLikeHtml(contentType, body.getBytes(java.nio.charset.StandardCharsets.UTF_8))) {
            Matcher title = HTML_TITLE.matcher(body);
            text = "HTML page" + (title.find() ? " '" + title.group(1).strip() + "'" : "");
        }
        String flat = text.replaceAll("\\s+", " ").strip();
        return flat.length() > 160 ? flat.substring(0, 160) + "..." : flat;
    }

    private static String suffix(String excerpt) {
        return excerpt.isEmpty() ? "" : ": " + excerpt;
    }
}
