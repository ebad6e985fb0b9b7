package io.mirrorswitch.harness;

/**
 * How the body of one HTTP/1.1 message is delimited (RFC 9112 section 6.3), decided from its head.
 *
 * @param type   the delimiting rule
 * @param length the byte count for {@link Type#FIXED}; 0 for {@link Type#NONE}; -1 otherwise
 */
record BodyFraming(Type type, long length) {

    enum Type {
        /** No body at all: a HEAD answer, 1xx, 204, 304, or a request without length fields. */
        NONE,
        /** {@code Content-Length} bytes. */
        FIXED,
        /** {@code Transfer-Encoding: chunked}. */
        CHUNKED,
        /** A response without length fields: the body ends when the server closes. */
        UNTIL_CLOSE
    }

    static final BodyFraming NONE = new BodyFraming(Type.NONE, 0);

    static BodyFraming ofRequest(HttpHead request) {
        if (request.hasToken("Transfer-Encoding", "chunked")) {
            return new BodyFraming(Type.CHUNKED, -1);
        }
        long length = contentLength(request);
        return length > 0 ? new BodyFraming(Type.FIXED, length) : NONE;
    }

    /**
     * The framing of a response to a request with {@code requestMethod}. A HEAD answer has no body
     * even though its Content-Length names the size a GET would send.
     */
    static BodyFraming ofResponse(String requestMethod, HttpHead response) {
        int status = response.status();
        if ("HEAD".equalsIgnoreCase(requestMethod) || status / 100 == 1 || status == 204 || status == 304) {
            return NONE;
        }
        if (response.hasToken("Transfer-Encoding", "chunked")) {
            return new BodyFraming(Type.CHUNKED, -1);
        }
        long length = contentLength(response);
        if (length >= 0) {
            return length == 0 ? NONE : new BodyFraming(Type.FIXED, length);
        }
        return new BodyFraming(Type.UNTIL_CLOSE, -1);
    }

    /** The body length when the head fixes it (0 for no body), else -1. */
    long knownLength() {
        return type == Type.FIXED || type == Type.NONE ? length : -1;
    }

    boolean hasBody() {
        return type != Type.NONE;
    }

    private static long contentLength(HttpHead head) {
        String value = head.first("Content-Length");
        if (value == null) {
            return -1;
        }
        try {
            return Long.parseLong(value.trim());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("malformed Content-Length: " + value, e);
        }
    }
}
