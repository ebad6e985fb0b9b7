package io.mirrorswitch.harness.bench;

import java.io.EOFException;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * A minimal HTTP/1.1 client on a blocking {@link SocketChannel} with one direct read buffer: the body is read
 * straight from the kernel into that buffer and dropped (or hashed, or kept when small), so the load client costs
 * one copy per byte and never becomes the bottleneck. Keep-alive connections are reused; every exchange has a
 * deadline after which the socket is closed (no loop in the benchmark can hang).
 */
final class Http1 implements AutoCloseable {
    private static final ScheduledExecutorService DEADLINES = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "http1-deadlines");
        t.setDaemon(true);
        return t;
    });

    /** Where body bytes go. */
    interface Sink {
        /** Consumes {@code n} bytes from {@code buffer}'s position (and must advance it by n). */
        void accept(ByteBuffer buffer, int n);
    }

    static final Sink DISCARD = (buffer, n) -> buffer.position(buffer.position() + n);

    static Sink digesting(MessageDigest digest) {
        return (buffer, n) -> {
            ByteBuffer slice = buffer.slice();
            slice.limit(n);
            digest.update(slice);
            buffer.position(buffer.position() + n);
        };
    }

    /** One answer; {@code body} is non-null only when the caller asked to keep it. */
    record Response(int status, Map<String, List<String>> headers, long bodyBytes, byte[] body) {
        String header(String name) {
            List<String> values = headers.get(name.toLowerCase(Locale.ROOT));
            return values == null || values.isEmpty() ? null : values.get(0);
        }

        String bodyText() {
            return body == null ? "" : new String(body, StandardCharsets.UTF_8);
        }
    }

    private final String host;
    private final int port;
    private final ByteBuffer in;
    private SocketChannel channel;

    Http1(String host, int port, int bufferBytes) {
        this.host = host;
        this.port = port;
        this.in = ByteBuffer.allocateDirect(bufferBytes);
        this.in.flip();
    }

    static Http1 to(String origin, int bufferBytes) {
        java.net.URI uri = java.net.URI.create(origin);
        return new Http1(uri.getHost(), uri.getPort(), bufferBytes);
    }

    Response get(String target, List<String> headers, long deadlineMillis) throws IOException {
        return exchange("GET", target, headers, DISCARD, false, deadlineMillis);
    }

    Response getKeep(String target, List<String> headers, long deadlineMillis) throws IOException {
        return exchange("GET", target, headers, null, true, deadlineMillis);
    }

    /** Opens the connection now rather than at the first exchange (so a timed exchange does not include it). */
    Http1 open() throws IOException {
        if (channel == null || !channel.isOpen()) {
            connect();
        }
        return this;
    }

    Response head(String target, List<String> headers, long deadlineMillis) throws IOException {
        return exchange("HEAD", target, headers, DISCARD, false, deadlineMillis);
    }

    /**
     * @param headers "Name: value" lines (Host is added)
     * @param sink    where body bytes go when {@code keep} is false
     */
    Response exchange(String method, String target, List<String> headers, Sink sink, boolean keep, long deadlineMillis)
            throws IOException {
        if (channel == null || !channel.isOpen()) {
            connect();
        }
        SocketChannel current = channel;
        ScheduledFuture<?> deadline = DEADLINES.schedule(() -> closeQuietly(current), deadlineMillis, TimeUnit.MILLISECONDS);
        try {
            return exchangeOnce(method, target, headers, sink, keep);
        } catch (IOException | RuntimeException e) {
            closeQuietly(current);
            channel = null;
            if (deadline.isDone()) {
                throw new IOException(method + " " + target + " on " + host + ":" + port + ": no complete answer within "
                        + deadlineMillis + " ms", e);
            }
            throw e;
        } finally {
            deadline.cancel(false);
        }
    }

    private Response exchangeOnce(String method, String target, List<String> headers, Sink sink, boolean keep)
            throws IOException {
        StringBuilder request = new StringBuilder(256);
        request.append(method).append(' ').append(target).append(" HTTP/1.1\r\nHost: ").append(host).append(':').append(port)
                .append("\r\n");
        for (String header : headers) {
            request.append(header).append("\r\n");
        }
        request.append("\r\n");
        ByteBuffer out = ByteBuffer.wrap(request.toString().getBytes(StandardCharsets.ISO_8859_1));
        while (out.hasRemaining()) {
            channel.write(out);
        }
        String statusLine = readLine();
        if (!statusLine.startsWith("HTTP/1.")) {
            throw new IOException("not an HTTP answer: " + statusLine);
        }
        int status = Integer.parseInt(statusLine.substring(9, 12));
        Map<String, List<String>> responseHeaders = new LinkedHashMap<>();
        for (String line; !(line = readLine()).isEmpty(); ) {
            int colon = line.indexOf(':');
            if (colon > 0) {
                responseHeaders.computeIfAbsent(line.substring(0, colon).trim().toLowerCase(Locale.ROOT), k -> new ArrayList<>())
                        .add(line.substring(colon + 1).trim());
            }
        }
        Response shape = new Response(status, responseHeaders, 0, null);
        boolean close = "close".equalsIgnoreCase(shape.header("connection")) || statusLine.startsWith("HTTP/1.0");
        java.io.ByteArrayOutputStream kept = keep ? new java.io.ByteArrayOutputStream() : null;
        Sink target0 = keep ? (buffer, n) -> {
            byte[] chunk = new byte[n];
            buffer.get(chunk);
            kept.write(chunk, 0, n);
        } : sink;
        long bodyBytes;
        boolean noBody = method.equals("HEAD") || status / 100 == 1 || status == 204 || status == 304;
        String length = shape.header("content-length");
        String encoding = shape.header("transfer-encoding");
        if (noBody) {
            bodyBytes = 0;
        } else if (encoding != null && encoding.toLowerCase(Locale.ROOT).contains("chunked")) {
            bodyBytes = readChunked(target0);
        } else if (length != null) {
            bodyBytes = readExactly(Long.parseLong(length), target0);
        } else {
            bodyBytes = readToEnd(target0);
            close = true;
        }
        if (close) {
            closeQuietly(channel);
            channel = null;
        }
        return new Response(status, responseHeaders, bodyBytes, keep ? kept.toByteArray() : null);
    }

    private void connect() throws IOException {
        in.clear().flip();
        SocketChannel ch = SocketChannel.open();
        try {
            ch.setOption(StandardSocketOptions.TCP_NODELAY, true);
            ch.connect(new InetSocketAddress(host, port));
        } catch (IOException e) {
            closeQuietly(ch);
            throw e;
        }
        channel = ch;
    }

    private void fill() throws IOException {
        in.compact();
        int n;
        try {
            n = channel.read(in);
        } finally {
            in.flip();
        }
        if (n < 0) {
            throw new EOFException("connection closed by " + host + ":" + port);
        }
    }

    private String readLine() throws IOException {
        StringBuilder line = new StringBuilder(64);
        while (true) {
            while (in.hasRemaining()) {
                char c = (char) (in.get() & 0xff);
                if (c == '\n') {
                    int len = line.length();
                    if (len > 0 && line.charAt(len - 1) == '\r') {
                        line.setLength(len - 1);
                    }
                    return line.toString();
                }
                line.append(c);
                if (line.length() > 64 * 1024) {
                    throw new IOException("header line longer than 64 KiB");
                }
            }
            fill();
        }
    }

    private long readExactly(long count, Sink sink) throws IOException {
        long left = count;
        while (left > 0) {
            if (!in.hasRemaining()) {
                fill();
            }
            int n = (int) Math.min(left, in.remaining());
            sink.accept(in, n);
            left -= n;
        }
        return count;
    }

    private long readChunked(Sink sink) throws IOException {
        long total = 0;
        while (true) {
            String sizeLine = readLine();
            int semicolon = sizeLine.indexOf(';');
            long size = Long.parseLong((semicolon < 0 ? sizeLine : sizeLine.substring(0, semicolon)).trim(), 16);
            if (size == 0) {
                while (!readLine().isEmpty()) {
                    // trailers
                }
                return total;
            }
            total += readExactly(size, sink);
            readLine();
        }
    }

    private long readToEnd(Sink sink) throws IOException {
        long total = 0;
        while (true) {
            if (!in.hasRemaining()) {
                in.clear();
                int n = channel.read(in);
                in.flip();
                if (n < 0) {
                    return total;
                }
            }
            int n = in.remaining();
            sink.accept(in, n);
            total += n;
        }
    }

    private static void closeQuietly(SocketChannel ch) {
        if (ch == null) {
            return;
        }
        try {
            ch.close();
        } catch (IOException ignored) {
            // closing
        }
    }

    @Override
    public void close() {
        closeQuietly(channel);
        channel = null;
    }
}
