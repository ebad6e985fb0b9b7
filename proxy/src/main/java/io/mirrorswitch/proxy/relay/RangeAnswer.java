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
}
