package io.mirrorswitch.proxy.relay;

import java.util.regex.Matcher;
import java.util.regex.Pattern;
import okhttp3.Response;

/** Judges an upstream's answer to {@code Range: bytes=<offset>-} when resuming a blob. */
final class RangeAnswer {
    private static final Pattern CONTENT_RANGE = Pattern.compile("bytes (\\d+)-(\\d+)/(\\d+|\\*)");

    private RangeAnswer() {
    }

    /**
     * How many bytes to drop before the body continues at {@code offset}: 0 for a {@code 206} starting exactly
     * there with the expected total, {@code offset} for a full {@code 200} (an upstream that ignores Range), -1
     * for anything else (a range elsewhere, a different total, an error).
     */
    static long bytesToSkip(Response response, long offset, long total) {
        if (response.code() == 206) {
            Matcher m = CONTENT_RANGE.matcher(String.valueOf(response.header("Content-Range")));
            boolean matches = m.matches() && Long.parseLong(m.group(1)) == offset
                    && Long.parseLong(m.group(2)) == total - 1
                    && (m.group(3).equals("*") || Long.parseLong(m.group(3)) == total);
            return matches ? 0 : -1;
        }
        if (response.code() == 200 && response.body() != null && response.body().contentLength() == total) {
            return offset;
        }
        return -1;
    }

    /** What an answer that {@link #bytesToSkip} refused said instead, for the log: the status and what it means here. */
    static String refusal(Response response, long offset, long total) {
        String contentRange = response.header("Content-Range");
        String wanted = "bytes " + offset + "-" + (total - 1) + "/" + total;
        return switch (response.code()) {
            case 206 -> contentRange == null ? "answered 206 without a Content-Range"
                    : "answered 206 with Content-Range " + contentRange + " instead of " + wanted;
            case 200 -> {
                long length = response.body() == null ? -1 : response.body().contentLength();
                yield "answered 200 with a whole body of " + (length < 0 ? "unknown length" : length + " bytes")
                        + ", not the " + total + "-byte blob";
            }
            case 404 -> "answered 404: it does not have the blob";
            case 416 -> "answered 416: it cannot serve " + wanted
                    + (contentRange == null ? "" : " (Content-Range " + contentRange + ")");
            default -> "answered " + response.code() + (response.message().isEmpty() ? "" : " " + response.message());
        };
    }
}
