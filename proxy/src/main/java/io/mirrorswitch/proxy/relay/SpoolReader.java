package io.mirrorswitch.proxy.relay;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.util.function.Consumer;

/**
 * One request's copy of a shared fetch: tails the spool into its own downstream at its own pace, with one fixed
 * buffer, so a slow client only ever slows itself and memory per request does not grow with the blob. Reads
 * nothing the fetch has not published, so the last byte goes out only after the digest matched.
 */
final class SpoolReader {
    private static final int BUFFER = 64 * 1024;

    private SpoolReader() {
    }

    /**
     * Copies the whole blob to {@code out} and closes it; when the shared fetch fails or the client goes away,
     * calls {@code abort} instead, with the reason, and returns. Does not {@link SharedFetch#leave leave} the
     * fetch: the caller does.
     *
     * @return the bytes written to {@code out}
     */
    static long copy(SharedFetch fetch, OutputStream out, Consumer<String> abort) {
        long length = fetch.answer().length();
        byte[] buffer = new byte[BUFFER];
        ByteBuffer view = ByteBuffer.wrap(buffer);
        long position = 0;
        try (FileChannel in = fetch.openReader()) {
            while (position < length) {
                long readable = fetch.awaitReadable(position);
                view.clear().limit((int) Math.min(BUFFER, readable - position));
                int n = in.read(view, position);
                if (n <= 0) {
                    throw new IOException("spool file ended at " + position + " although " + readable + " bytes were published");
                }
                try {
                    out.write(buffer, 0, n);
                } catch (IOException e) {
                    abort.accept("client went away after " + position + " bytes");
                    return position;
                }
                position += n;
            }
        } catch (SharedFetch.Failed e) {
            abort.accept("the shared fetch failed after " + position + " bytes went to this client: " + e.getMessage());
            return position;
        } catch (IOException e) {
            abort.accept("cannot read the spool at byte " + position + ": " + e);
            return position;
        }
        try {
            out.close();
        } catch (IOException e) {
            abort.accept("client went away at the end of the blob");
        }
        return position;
    }
}
