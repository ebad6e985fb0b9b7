package io.mirrorswitch.proxy.relay;

import io.mirrorswitch.health.TrafficFault;
import java.io.IOException;
import java.security.MessageDigest;
import java.util.LinkedHashSet;
import java.util.Optional;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The upstream half of a blob transfer: reads the body into a {@link BlobSink} with a fixed buffer, hashing as
 * it goes. When the upstream stalls, slows below the minimum or breaks, the fetch continues from another
 * upstream (or the same one) at the byte where it stopped. The read that completes a whole blob reaches the sink
 * only after the digest matched: a blob that does not verify, or that nobody can finish, ends with
 * {@link BlobSink#fail}, never as a complete-looking body.
 */
final class BlobFetch {
    private static final Logger LOG = LoggerFactory.getLogger(BlobFetch.class);
    static final int BUFFER = 64 * 1024;
    /** OkHttp reads a body from its socket at most one okio segment (8 KiB) at a time. */
    private static final int UPSTREAM_PIECE = 8 * 1024;

    /** Opens the rest of the blob from {@code offset} on some upstream other than those that failed; null if none can. */
    interface Resumer {
        UpstreamBody resumeAt(long offset, String failedUpstream);
    }

    /** Where faults seen mid-body go (passive health, metrics, log). */
    interface Faults {
        /** The body broke on an upstream: reported whether or not it can be resumed. */
        void interrupted(Attempt attempt, long offset);

        /** The fetch asks for the rest with {@code Range} after {@code broke}; a partial answer is never resumed. */
        default void resuming(Attempt broke) {
        }

        /**
         * Why the server is closing, or null while it runs. Once it closes it cuts upstream transfers and client
         * connections itself: a break then is neither the upstream's fault nor the client's, and not resumed.
         */
        default String serverClosing() {
            return null;
        }

        void corrupt(Set<String> upstreams, String detail);
    }

    private final int maxBarrenResumes;
    private final long length;
    private final String expectedDigest;
    private final MessageDigest hasher;
    private final Set<String> contributors = new LinkedHashSet<>();
    private long sent;

    /**
     * @param length           the exact blob size, or -1 when unknown (then the sink completes only once the
     *                         body ended and the digest matched)
     * @param expectedDigest   the digest the bytes must hash to, or null for a partial (206) answer we relay as is
     * @param maxBarrenResumes how many resumes in a row may end without a single new byte before giving up (a
     *                         long blob may need many resumes, but never endlessly at the same offset)
     */
    BlobFetch(long length, String expectedDigest, int maxBarrenResumes) {
        this.maxBarrenResumes = maxBarrenResumes;
        this.length = length;
        this.expectedDigest = expectedDigest;
        this.hasher = expectedDigest == null ? null : Digests.hasherFor(expectedDigest);
    }

    /** Runs to the end: the sink is completed or failed, and every upstream body this opened is closed. */
    void run(UpstreamBody first, Resumer resumer, Faults faults, BlobSink sink) {
        byte[] buffer = new byte[BUFFER];
        UpstreamBody body = first;
        boolean resumable = length >= 0 && hasher != null;
        int barren = 0;
        try {
            while (true) {
                contributors.add(body.upstream());
                long before = sent;
                Optional<Attempt> broke = copy(body, sink, buffer);
                body.close();
                if (broke.isEmpty()) {
                    break;
                }
                String closing = faults.serverClosing();
                if (closing != null) {
                    sink.fail(closing + ": cut the transfer from " + body.upstream() + " after " + sent + " bytes");
                    return;
                }
                faults.interrupted(broke.get(), sent);
                barren = sent > before ? 0 : barren + 1;
                UpstreamBody next = null;
                if (resumable && barren <= maxBarrenResumes) {
                    faults.resuming(broke.get());
                    next = resumer.resumeAt(sent, body.upstream());
                }
                if (next == null) {
                    sink.fail("no upstream could continue the blob at byte " + sent + " after " + broke.get().describe());
                    return;
                }
                body = next;
                LOG.info("resuming {} at byte {} of {} from {}", expectedDigest, sent, length, body.upstream());
            }
            sink.complete();
        } catch (DigestMismatch e) {
            faults.corrupt(contributors, e.getMessage());
            sink.fail(e.getMessage());
        } catch (IOException e) {
            String closing = faults.serverClosing();
            sink.fail(closing != null ? closing + ": the server cut the response after " + sent + " bytes"
                    : "the receiving side stopped taking bytes after " + sent + " bytes: " + e.getMessage());
        } catch (RuntimeException | Error e) {
            sink.fail("relay error after " + sent + " bytes: " + e);
            throw e;
        } finally {
            body.close();
        }
    }

    /**
     * Copies until the body ends; returns the upstream fault when it broke first. IOException: the sink is gone.
     * Reads come in pieces of at most 8 KiB; they are handed to the sink in batches when it asks for that (see
     * {@link BlobSink#batchNanos}): a batch goes when the buffer is full, when a read found the socket drained
     * (so bytes never wait for a read that may block), or when it is old enough; and always before a fault is
     * returned, so a resume starts exactly where the sink stopped.
     */
    private Optional<Attempt> copy(UpstreamBody body, BlobSink sink, byte[] buffer) throws DigestMismatch, IOException {
        long batchNanos = sink.batchNanos();
        int pending = 0;
        long pendingSince = 0;
        while (length < 0 || sent + pending < length) {
            int room = buffer.length - pending;
            int n;
            try {
                n = body.read(buffer, pending, (int) (length < 0 ? room : Math.min(room, length - sent - pending)));
            } catch (IOException e) {
                pending = hand(sink, buffer, pending);
                return Optional.of(FailoverPolicy.failed(body.upstream(), e, body.transfer()));
            }
            if (n == -1) {
                if (length < 0) {
                    verify();
                    hand(sink, buffer, pending);
                    return Optional.empty();
                }
                hand(sink, buffer, pending);
                return Optional.of(new Attempt(body.upstream(), TrafficFault.TRUNCATED,
                        "body ended after " + sent + " of " + length + " bytes", Optional.empty()));
            }
            if (hasher != null) {
                hasher.update(buffer, pending, n);
            }
            if (pending == 0) {
                pendingSince = System.nanoTime();
            }
            pending += n;
            if (length >= 0 && sent + pending == length) {
                // The batch that completes the blob is withheld until the whole blob verified.
                verify();
                hand(sink, buffer, pending);
                return Optional.empty();
            }
            boolean drained = n < UPSTREAM_PIECE; // the socket had no more for now: the next read would likely wait
            if (pending == buffer.length || drained || batchNanos == 0 || System.nanoTime() - pendingSince >= batchNanos) {
                pending = hand(sink, buffer, pending);
            }
        }
        return Optional.empty();
    }

    /** Gives the sink the {@code pending} bytes at the start of the buffer; returns 0 (nothing pending). */
    private int hand(BlobSink sink, byte[] buffer, int pending) throws IOException {
        if (pending > 0) {
            sink.write(buffer, 0, pending);
            sent += pending;
        }
        return 0;
    }

    private void verify() throws DigestMismatch {
        if (hasher == null) {
            return;
        }
        String actual = Digests.format(expectedDigest, hasher);
        if (!actual.equals(expectedDigest)) {
            throw new DigestMismatch("blob " + expectedDigest + " hashed to " + actual);
        }
    }

    private static final class DigestMismatch extends Exception {
        DigestMismatch(String message) {
            super(message, null, false, false);
        }
    }
}
