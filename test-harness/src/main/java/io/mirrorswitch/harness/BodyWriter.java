package io.mirrorswitch.harness;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * Writes one message body with the given framing: raw bytes for Content-Length and close-delimited
 * bodies, re-chunked for chunked ones (chunk boundaries may differ from the origin's; only the
 * decoded bytes are meaningful, RFC 9112 section 7.1).
 */
final class BodyWriter {

    private static final byte[] CRLF = {'\r', '\n'};

    private final OutputStream out;
    private final BodyFraming.Type type;

    BodyWriter(OutputStream out, BodyFraming.Type type) {
        this.out = out;
        this.type = type;
    }

    void write(byte[] buffer, int offset, int length) throws IOException {
        if (length == 0) {
            return; // a zero-length chunk would end a chunked body
        }
        if (type == BodyFraming.Type.CHUNKED) {
            out.write((Integer.toHexString(length) + "\r\n").getBytes(StandardCharsets.US_ASCII));
            out.write(buffer, offset, length);
            out.write(CRLF);
        } else {
            out.write(buffer, offset, length);
        }
    }

    /** Ends a chunked body (last chunk, trailers, empty line); nothing to do for other framings. */
    void finish(List<String> trailers) throws IOException {
        if (type == BodyFraming.Type.CHUNKED) {
            StringBuilder end = new StringBuilder("0\r\n");
            trailers.forEach(line -> end.append(line).append("\r\n"));
            out.write(end.append("\r\n").toString().getBytes(StandardCharsets.ISO_8859_1));
        }
        out.flush();
    }
}
