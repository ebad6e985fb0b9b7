package io.mirrorswitch.harness;

import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.List;

/**
 * Reads one message body off a connection, removing chunked transfer coding, and stops exactly at
 * the body's end so the next message on a keep-alive connection starts where it should.
 *
 * <p>Faults that count body bytes (stall after N, flip byte K) count these decoded bytes, so they
 * mean the same for a Content-Length and a chunked answer.
 */
final class BodyReader {

    private final InputStream in;
    private final BodyFraming framing;
    private final List<String> trailers = new ArrayList<>();
    private long remaining;
    private boolean firstChunk = true;
    private boolean done;

    BodyReader(InputStream in, BodyFraming framing) {
        this.in = in;
        this.framing = framing;
        this.remaining = framing.type() == BodyFraming.Type.FIXED ? framing.length() : 0;
        this.done = framing.type() == BodyFraming.Type.NONE;
    }

    /**
     * Reads up to {@code max} body bytes.
     *
     * @return the count read, or -1 once the body is complete
     * @throws EOFException when the peer closed before the framing said the body ends
     */
    int read(byte[] buffer, int offset, int max) throws IOException {
        if (done || max == 0) {
            return done ? -1 : 0;
        }
        switch (framing.type()) {
            case FIXED:
                return readFixed(buffer, offset, max);
            case CHUNKED:
                return readChunked(buffer, offset, max);
            default:
                int n = in.read(buffer, offset, max);
                done = n < 0;
                return n;
        }
    }

    /** Whether the whole body has been read. */
    boolean complete() {
        return done;
    }

    /** Trailer field lines of a chunked body, raw; empty until the body is complete. */
    List<String> trailers() {
        return List.copyOf(trailers);
    }

    private int readFixed(byte[] buffer, int offset, int max) throws IOException {
        int n = in.read(buffer, offset, (int) Math.min(max, remaining));
        if (n < 0) {
            throw new EOFException("peer closed with " + remaining + " of " + framing.length() + " body bytes unsent");
        }
        remaining -= n;
        done = remaining == 0;
        return n;
    }

    private int readChunked(byte[] buffer, int offset, int max) throws IOException {
        if (remaining == 0) {
            if (!firstChunk) {
                expectEmptyLine();
            }
            firstChunk = false;
            remaining = nextChunkSize();
            if (remaining == 0) {
                readTrailers();
                done = true;
                return -1;
            }
        }
        int n = in.read(buffer, offset, (int) Math.min(max, remaining));
        if (n < 0) {
            throw new EOFException("peer closed inside a chunk");
        }
        remaining -= n;
        return n;
    }

    private long nextChunkSize() throws IOException {
        String line = HttpHead.readLine(in, new int[] {HttpHead.MAX_HEAD_BYTES}, false);
        int extension = line.indexOf(';');
        String hex = (extension >= 0 ? line.substring(0, extension) : line).trim();
        try {
            return Long.parseLong(hex, 16);
        } catch (NumberFormatException e) {
            throw new IOException("malformed chunk size line: " + line, e);
        }
    }

    private void expectEmptyLine() throws IOException {
        String line = HttpHead.readLine(in, new int[] {HttpHead.MAX_HEAD_BYTES}, false);
        if (!line.isEmpty()) {
            throw new IOException("chunk data not followed by CRLF: " + line);
        }
    }

    private void readTrailers() throws IOException {
        int[] budget = {HttpHead.MAX_HEAD_BYTES};
        for (String line = HttpHead.readLine(in, budget, false); !line.isEmpty();
             line = HttpHead.readLine(in, budget, false)) {
            trailers.add(line);
        }
    }
}
