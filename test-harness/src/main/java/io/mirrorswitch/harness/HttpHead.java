package io.mirrorswitch.harness;

import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.stream.Collectors;

/**
 * The start line and header fields of one HTTP/1.1 message, as {@link FaultProxy} relays them.
 *
 * <p>Fields keep their order, spelling and repetitions: registry:2 sends six separate {@code Accept}
 * lines, and collapsing them breaks content negotiation (registry-facts section 2). Mutable so the
 * proxy can strip or rewrite single fields (Range, Content-Length, Docker-Content-Digest).
 */
final class HttpHead {

    /** More than enough for any registry request; a bound so a garbage peer cannot exhaust memory. */
    static final int MAX_HEAD_BYTES = 64 * 1024;

    private final String startLine;
    private final List<String[]> fields;

    HttpHead(String startLine, List<String[]> fields) {
        this.startLine = startLine;
        this.fields = new ArrayList<>(fields);
    }

    /**
     * Reads a head up to and including its empty line.
     *
     * @return null when the stream ends cleanly before the first byte (a peer closing an idle
     *         keep-alive connection)
     */
    static HttpHead read(InputStream in) throws IOException {
        int[] budget = {MAX_HEAD_BYTES};
        String startLine = readLine(in, budget, true);
        // RFC 9112 2.2: a server should ignore empty lines received before the request line.
        while (startLine != null && startLine.isEmpty()) {
            startLine = readLine(in, budget, true);
        }
        if (startLine == null) {
            return null;
        }
        List<String[]> fields = new ArrayList<>();
        for (String line = readLine(in, budget, false); !line.isEmpty(); line = readLine(in, budget, false)) {
            int colon = line.indexOf(':');
            if (colon <= 0) {
                throw new IOException("malformed header line: " + line);
            }
            fields.add(new String[] {line.substring(0, colon).trim(), line.substring(colon + 1).trim()});
        }
        return new HttpHead(startLine, fields);
    }

    /**
     * One CRLF- (or bare LF-) terminated line in ISO-8859-1.
     *
     * @param eofAllowed whether a clean end of stream before any byte returns null instead of failing
     */
    static String readLine(InputStream in, int[] budget, boolean eofAllowed) throws IOException {
        ByteArrayOutputStream line = new ByteArrayOutputStream(64);
        while (true) {
            int b = in.read();
            if (b < 0) {
                if (eofAllowed && line.size() == 0) {
                    return null;
                }
                throw new EOFException("stream ended inside an HTTP head");
            }
            if (--budget[0] < 0) {
                throw new IOException("HTTP head longer than " + MAX_HEAD_BYTES + " bytes");
            }
            if (b == '\n') {
                byte[] bytes = line.toByteArray();
                int length = bytes.length > 0 && bytes[bytes.length - 1] == '\r' ? bytes.length - 1 : bytes.length;
                return new String(bytes, 0, length, StandardCharsets.ISO_8859_1);
            }
            line.write(b);
        }
    }

    String startLine() {
        return startLine;
    }

    /** Request method (first word of a request line). */
    String method() {
        return part(0);
    }

    /** Request target, path plus query (second word of a request line). */
    String target() {
        return part(1);
    }

    /** The HTTP version word of a request line, e.g. {@code HTTP/1.1}. */
    String requestVersion() {
        return part(2);
    }

    /** Status code of a response line. */
    int status() {
        try {
            return Integer.parseInt(part(1));
        } catch (NumberFormatException e) {
            throw new IllegalStateException("not a status line: " + startLine, e);
        }
    }

    /** The first value of a field, or null. */
    String first(String name) {
        for (String[] field : fields) {
            if (field[0].equalsIgnoreCase(name)) {
                return field[1];
            }
        }
        return null;
    }

    boolean has(String name) {
        return first(name) != null;
    }

    /** Whether a comma-separated field (Connection, Transfer-Encoding) lists a token, in any line. */
    boolean hasToken(String name, String token) {
        for (String[] field : fields) {
            if (field[0].equalsIgnoreCase(name)) {
                for (String item : field[1].split(",")) {
                    if (item.trim().equalsIgnoreCase(token)) {
                        return true;
                    }
                }
            }
        }
        return false;
    }

    void remove(String name) {
        fields.removeIf(field -> field[0].equalsIgnoreCase(name));
    }

    /** Replaces every line of the field by one line with this value. */
    void set(String name, String value) {
        remove(name);
        fields.add(new String[] {name, value});
    }

    void add(String name, String value) {
        fields.add(new String[] {name, value});
    }

    /**
     * Removes an HTTP/2 upgrade offer (the JDK client makes one by default): FaultProxy relays bytes
     * as HTTP/1.1 and must never let the target switch protocols under it.
     */
    void removeUpgradeOffer() {
        if (!has("Upgrade")) {
            return;
        }
        String connection = first("Connection");
        remove("Upgrade");
        remove("HTTP2-Settings");
        remove("Connection");
        if (connection != null) {
            String kept = Arrays.stream(connection.split(","))
                    .map(String::trim)
                    .filter(token -> !token.equalsIgnoreCase("Upgrade") && !token.equalsIgnoreCase("HTTP2-Settings"))
                    .collect(Collectors.joining(", "));
            if (!kept.isEmpty()) {
                add("Connection", kept);
            }
        }
    }

    /** The whole head, with the terminating empty line, ready to be written in one call. */
    byte[] toBytes() {
        StringBuilder text = new StringBuilder(256).append(startLine).append("\r\n");
        for (String[] field : fields) {
            text.append(field[0]).append(": ").append(field[1]).append("\r\n");
        }
        return text.append("\r\n").toString().getBytes(StandardCharsets.ISO_8859_1);
    }

    @Override
    public String toString() {
        return startLine + " " + fields.stream().map(f -> f[0].toLowerCase(Locale.ROOT) + "=" + f[1]).toList();
    }

    private String part(int index) {
        String[] parts = startLine.split(" ", 3);
        if (parts.length <= index) {
            throw new IllegalStateException("malformed start line: " + startLine);
        }
        return parts[index];
    }
}
