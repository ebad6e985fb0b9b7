package io.mirrorswitch.proxy.relay;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.util.function.Consumer;
import java.util.function.Supplier;

/**
 * One request's copy of a shared fetch: tails the spool into its own downstream at its own pace, so a slow client
 * only ever slows itself. It holds no buffer of its own: published spool bytes go from the file to the client's
 * socket ({@link ResponseChannelDownstream} uses sendfile), so memory per request does not grow with the blob, and
 * a reader costs less CPU than the plain relay. Sends nothing the fetch has not published, so the last byte goes
 * out only after the digest matched.
 */
final class SpoolReader {
    /** Where the bytes go: a response in production, a test double in tests. */
    interface Downstream {
        /** Sends {@code count} bytes of {@code spool} from {@code position}, blocking until all went out. */
        void send(FileChannel spool, long position, long count) throws IOException;

        /** Ends the body cleanly: every byte was sent. */
        void finish() throws IOException;
    }

    private SpoolReader() {
    }

    /**
     * Sends the whole blob and finishes the downstream; when the shared fetch fails or the client goes away,
     * calls {@code abort} instead, with the reason, and returns. Does not {@link SharedFetch#leave leave} the
     * fetch: the caller does.
     *
     * @param serverClosing why the server is closing (it then closes client connections itself), or null
     * @return the bytes sent
     */
    static long copy(SharedFetch fetch, Downstream out, Consumer<String> abort, Supplier<String> serverClosing) {
        long length = fetch.answer().length();
        long position = 0;
        try (FileChannel in = fetch.openReader()) {
            while (position < length) {
                long readable = fetch.awaitReadable(position);
                try {
                    out.send(in, position, readable - position);
                } catch (IOException e) {
                    abort.accept(downstreamEnded(serverClosing, "after about " + position + " bytes", e));
                    return position;
                }
                position = readable;
            }
        } catch (SharedFetch.Failed e) {
            abort.accept("the shared fetch failed after " + position + " bytes went to this client: " + e.getMessage());
            return position;
        } catch (IOException e) {
            abort.accept("cannot read the spool at byte " + position + ": " + e);
            return position;
        }
        try {
            out.finish();
        } catch (IOException e) {
            abort.accept(downstreamEnded(serverClosing, "at the end of the blob", e));
        }
        return position;
    }

    /**
     * A send fails the same way whether the client left or the server closed the connection at the end of its
     * shutdown drain: the log must not blame the client for what the shutdown did.
     */
    private static String downstreamEnded(Supplier<String> serverClosing, String when, IOException e) {
        String closing = serverClosing.get();
        if (closing != null) {
            return closing + ": the server cut the response " + when;
        }
        return "client went away " + when + " (" + (e.getMessage() != null ? e.getMessage() : e.getClass().getSimpleName()) + ")";
    }
}
