package io.mirrorswitch.harness;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;

/**
 * A raw-socket HTTP/1.1 client for fault tests: it sees exactly how an answer ends (complete, clean
 * end of stream, reset, or silence), which high-level clients hide behind retries and exceptions.
 * One instance is one connection, usable for several requests in a row (keep-alive).
 */
final class WireClient implements AutoCloseable {

    /** How reading a body ended. */
    enum End { COMPLETE, EOF, RESET, TIMEOUT }

    /** What arrived of one body. */
    record Body(byte[] bytes, End end) {
        int length() {
            return bytes.length;
        }
    }

    private final Socket socket;
    private final InputStream in;

    WireClient(int port, Duration readTimeout) throws IOException {
        socket = new Socket();
        socket.connect(new InetSocketAddress("127.0.0.1", port), 2_000);
        socket.setSoTimeout((int) readTimeout.toMillis());
        in = new BufferedInputStream(socket.getInputStream());
    }

    /** Sends a bodiless request; {@code headerLines} are "Name: value" strings. */
    WireClient send(String method, String target, String... headerLines) throws IOException {
        StringBuilder request = new StringBuilder(method).append(' ').append(target).append(" HTTP/1.1\r\n")
                .append("Host: 127.0.0.1\r\n");
        for (String line : headerLines) {
            request.append(line).append("\r\n");
        }
        socket.getOutputStream().write(request.append("\r\n").toString().getBytes(StandardCharsets.ISO_8859_1));
        socket.getOutputStream().flush();
        return this;
    }

    /** Reads a response head; null when the connection ended first. Throws on a reset or timeout. */
    HttpHead head() throws IOException {
        return HttpHead.read(in);
    }

    /** Reads the head's Content-Length worth of body (or to the end of stream without one), noting how it ended. */
    Body body(HttpHead head) {
        String length = head.first("Content-Length");
        return read(length == null ? Long.MAX_VALUE : Long.parseLong(length));
    }

    /** Reads up to {@code max} bytes, noting how reading ended. */
    Body read(long max) {
        ByteArrayOutputStream received = new ByteArrayOutputStream();
        byte[] buffer = new byte[64 * 1024];
        try {
            while (received.size() < max) {
                int n = in.read(buffer, 0, (int) Math.min(buffer.length, max - received.size()));
                if (n < 0) {
                    return new Body(received.toByteArray(), End.EOF);
                }
                received.write(buffer, 0, n);
            }
            return new Body(received.toByteArray(), End.COMPLETE);
        } catch (SocketTimeoutException e) {
            return new Body(received.toByteArray(), End.TIMEOUT);
        } catch (SocketException e) {
            return new Body(received.toByteArray(), e.getMessage().contains("reset") ? End.RESET : End.EOF);
        } catch (IOException e) {
            throw new AssertionError("unexpected read failure after " + received.size() + " bytes", e);
        }
    }

    /** Reads and drops up to {@code max} bytes, for throughput; returns how many arrived before the end. */
    long drain(long max) throws IOException {
        byte[] buffer = new byte[64 * 1024];
        long total = 0;
        while (total < max) {
            int n = in.read(buffer, 0, (int) Math.min(buffer.length, max - total));
            if (n < 0) {
                break;
            }
            total += n;
        }
        return total;
    }

    /** The connection's buffered input, e.g. to decode a chunked body. */
    InputStream input() {
        return in;
    }

    /** How the connection ends when nothing more is expected: EOF, RESET or TIMEOUT. */
    End end() {
        return read(1).end();
    }

    @Override
    public void close() throws IOException {
        socket.close();
    }
}
