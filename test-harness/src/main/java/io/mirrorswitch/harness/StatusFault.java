package io.mirrorswitch.harness;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The proxy answers a request itself with a status, a body and extra headers; the target never sees
 * it and the client connection stays usable (keep-alive), as with a real rate limiter or a CDN error
 * page. Immutable; each method returns a changed copy.
 *
 * <pre>{@code
 * Fault.status(503)                                        // {"errors":[{"code":"UNAVAILABLE",...}]}
 * Fault.status(429).retryAfter(30).text("slow down")       // rate limit with a plain-text body
 * Fault.status(502).html("<html><body>Bad gateway</body></html>")
 * Fault.status(403).jsonError("DENIED", "region blocked").header("X-Reason", "geo")
 * }</pre>
 *
 * @param status      the status code
 * @param contentType the body's Content-Type
 * @param body        the body (not sent to a HEAD request, whose Content-Length still names its size)
 * @param headers     extra header lines, in order
 */
public record StatusFault(int status, String contentType, byte[] body, List<Map.Entry<String, String>> headers)
        implements Fault {

    private static final ObjectMapper JSON = new ObjectMapper();

    public StatusFault {
        if (status < 200 || status > 599) {
            throw new IllegalArgumentException("status must be a final status 200-599: " + status);
        }
        body = body.clone();
        headers = List.copyOf(headers);
    }

    /** The status with a registry JSON error whose code fits it (e.g. 429 TOOMANYREQUESTS, 503 UNAVAILABLE). */
    static StatusFault of(int status) {
        return new StatusFault(status, "application/json", new byte[0], List.of())
                .jsonError(defaultErrorCode(status), reasonPhrase(status).toLowerCase(Locale.ROOT));
    }

    /** Body {@code {"errors":[{"code":code,"message":message,"detail":null}]}}, as distribution sends. */
    public StatusFault jsonError(String code, String message) {
        Map<String, Object> error = new LinkedHashMap<>();
        error.put("code", code);
        error.put("message", message);
        error.put("detail", null);
        try {
            byte[] json = JSON.writeValueAsBytes(Map.of("errors", List.of(error)));
            return new StatusFault(status, "application/json; charset=utf-8", json, headers);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot render a JSON error", e);
        }
    }

    /** An HTML body, as a CDN or a web server's error page sends where JSON is expected. */
    public StatusFault html(String html) {
        return new StatusFault(status, "text/html; charset=utf-8", html.getBytes(StandardCharsets.UTF_8), headers);
    }

    public StatusFault text(String text) {
        return new StatusFault(status, "text/plain; charset=utf-8", text.getBytes(StandardCharsets.UTF_8), headers);
    }

    /** An extra header line (repeatable). */
    public StatusFault header(String name, String value) {
        List<Map.Entry<String, String>> more = new ArrayList<>(headers);
        more.add(Map.entry(name, value));
        return new StatusFault(status, contentType, body, more);
    }

    public StatusFault retryAfter(long seconds) {
        return header("Retry-After", Long.toString(seconds));
    }

    @Override
    public byte[] body() {
        return body.clone();
    }

    /** The answer's head; {@code close} adds {@code Connection: close} for a client that asked for it. */
    HttpHead responseHead(boolean close) {
        HttpHead head = new HttpHead("HTTP/1.1 " + status + " " + reasonPhrase(status), List.of());
        head.add("Content-Type", contentType);
        head.add("Content-Length", Integer.toString(body.length));
        if (contentType.startsWith("application/json")) {
            head.add("Docker-Distribution-Api-Version", "registry/2.0");
        }
        headers.forEach(header -> head.add(header.getKey(), header.getValue()));
        if (close) {
            head.add("Connection", "close");
        }
        return head;
    }

    @Override
    public String toString() {
        return "Status[" + status + " " + contentType + ", " + body.length + " bytes"
                + (headers.isEmpty() ? "" : ", " + headers) + "]";
    }

    private static String defaultErrorCode(int status) {
        switch (status) {
            case 401: return "UNAUTHORIZED";
            case 403: return "DENIED";
            case 404: return "NAME_UNKNOWN";
            case 429: return "TOOMANYREQUESTS";
            case 503: return "UNAVAILABLE";
            default: return "UNKNOWN";
        }
    }

    static String reasonPhrase(int status) {
        switch (status) {
            case 200: return "OK";
            case 400: return "Bad Request";
            case 401: return "Unauthorized";
            case 403: return "Forbidden";
            case 404: return "Not Found";
            case 429: return "Too Many Requests";
            case 500: return "Internal Server Error";
            case 502: return "Bad Gateway";
            case 503: return "Service Unavailable";
            case 504: return "Gateway Timeout";
            default: return "Status " + status;
        }
    }
}
