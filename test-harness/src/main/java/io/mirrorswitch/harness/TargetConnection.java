package io.mirrorswitch.harness;

import java.io.BufferedInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;

/**
 * The proxy's keep-alive connection to the target for one client connection: opened on first use,
 * reused while the target keeps it open, and reopened once when a reused connection turns out to
 * have been closed by the target meanwhile (the usual keep-alive race, harmless for bodiless
 * requests, which are all a pull sends).
 */
final class TargetConnection implements AutoCloseable {

    private static final int CONNECT_TIMEOUT_MILLIS = 5_000;

    private final String host;
    private final int port;
    private volatile Socket socket;
    private InputStream in;
    private OutputStream out;

    TargetConnection(String host, int port) {
        this.host = host;
        this.port = port;
    }

    /**
     * Sends the request head and body and returns the first response head (possibly a 1xx; read
     * further heads with {@link #readHead()}).
     */
    HttpHead exchange(HttpHead request, BodyReader requestBody, boolean hasBody, BodyFraming.Type bodyType)
            throws IOException {
        boolean reused = socket != null;
        if (!reused) {
            connect();
        }
        try {
            return send(request, requestBody, bodyType);
        } catch (IOException staleOrBroken) {
            if (!reused || hasBody) {
                throw staleOrBroken;
            }
            close();
            connect();
            return send(request, requestBody, bodyType);
        }
    }

    HttpHead readHead() throws IOException {
        HttpHead head = HttpHead.read(in);
        if (head == null) {
            throw new EOFException("target " + host + ":" + port + " closed the connection without answering");
        }
        return head;
    }

    /** The response body stream; valid until close(). */
    InputStream input() {
        return in;
    }

    @Override
    public void close() {
        Socket current = socket;
        socket = null;
        if (current != null) {
            try {
                current.close();
            } catch (IOException ignored) {
                // closing: nothing left to do with it
            }
        }
    }

    private HttpHead send(HttpHead request, BodyReader requestBody, BodyFraming.Type bodyType) throws IOException {
        out.write(request.toBytes());
        if (bodyType != BodyFraming.Type.NONE) {
            BodyWriter writer = new BodyWriter(out, bodyType);
            byte[] buffer = new byte[8192];
            for (int n; (n = requestBody.read(buffer, 0, buffer.length)) >= 0; ) {
                writer.write(buffer, 0, n);
            }
            writer.finish(requestBody.trailers());
        }
        out.flush();
        return readHead();
    }

    private void connect() throws IOException {
        Socket fresh = new Socket();
        try {
            fresh.setTcpNoDelay(true);
            fresh.connect(new InetSocketAddress(host, port), CONNECT_TIMEOUT_MILLIS);
            in = new BufferedInputStream(fresh.getInputStream(), BodyPump.BUFFER_SIZE);
            out = fresh.getOutputStream();
            socket = fresh;
        } catch (IOException e) {
            fresh.close();
            throw e;
        }
    }
}
