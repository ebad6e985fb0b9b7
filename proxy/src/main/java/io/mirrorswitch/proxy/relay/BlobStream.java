package io.mirrorswitch.proxy.relay;

import io.mirrorswitch.health.TrafficFault;
import io.undertow.server.HttpServerExchange;
import io.undertow.util.Headers;
import java.io.IOException;
import java.io.OutputStream;
import java.security.MessageDigest;
import java.util.LinkedHashSet;
import java.util.Optional;
import java.util.Set;
import org.xnio.IoUtils;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Streams one blob downstream with a fixed buffer, hashing as it goes. When the upstream stalls, slows below
 * the minimum or breaks, the same downstream response continues from another upstream (or the same one) at the
 * byte where it stopped. The last bytes go out only after the digest matched: a blob that does not verify, or
 * that nobody can finish, ends with an abrupt close, never as a complete-looking response.
 */
final class BlobStream {
    private static final Logger LOG = LoggerFactory.getLogger(BlobStream.class);
    private static final int BUFFER = 64 * 1024;

    /** Opens the rest of the blob from {@code offset} on some upstream other than those that failed; null if none can. */
    interface Resumer {
        UpstreamBody resumeAt(long offset, String failedUpstream);
    }

    /** Where faults seen mid-stream go (passive health, metrics, log). */
    interface Faults {
        void interrupted(Attempt attempt, long offset);

        void corrupt(Set<String> upstreams, String detail);
    }

    private final HttpServerExchange exchange;
    private final int maxBarrenResumes;
    private final long length;
    private final String expectedDigest;
    private final MessageDigest hasher;
    private final Set<String> contributors = new LinkedHashSet<>();
    private long sent;

    /**
     * @param length         the exact blob size, or -1 when unknown (then sent chunked; the terminating chunk is
     *                       withheld until the digest matched)
     * @param maxBarrenResumes how many resumes in a row may end without a single new byte before giving up (a
     *                       long blob may need many resumes, but never endlessly at the same offset)
     * @param expectedDigest the digest the bytes must hash to, or null for a partial (206) answer we relay as is
     */
    BlobStream(HttpServerExchange exchange, long length, String expectedDigest, int maxBarrenResumes) {
        this.exchange = exchange;
        this.maxBarrenResumes = maxBarrenResumes;
        this.length = length;
        this.expectedDigest = expectedDigest;
        this.hasher = expectedDigest == null ? null : Digests.hasherFor(expectedDigest);
    }

    void relay(UpstreamBody first, Resumer resumer, Faults faults) throws IOException {
        if (length >= 0) {
            exchange.getResponseHeaders().put(Headers.CONTENT_LENGTH, length);
        }
        OutputStream out = exchange.getOutputStream();
        byte[] buffer = new byte[BUFFER];
        UpstreamBody body = first;
        boolean resumable = length >= 0 && hasher != null;
        int barren = 0;
        try {
            while (true) {
                contributors.add(body.upstream());
                long before = sent;
                Optional<Attempt> broke = copy(body, out, buffer);
                body.close();
                if (broke.isEmpty()) {
                    break;
                }
                faults.interrupted(broke.get(), sent);
                barren = sent > before ? 0 : barren + 1;
                body = resumable && barren <= maxBarrenResumes ? resumer.resumeAt(sent, body.upstream()) : null;
                if (body == null) {
                    abort("no upstream could continue the blob at byte " + sent + " after " + broke.get().describe());
                    return;
                }
                LOG.info("resuming {} at byte {} of {} from {}", expectedDigest, sent, length, body.upstream());
            }
            out.close();
        } catch (DigestMismatch e) {
            body.close();
            faults.corrupt(contributors, e.getMessage());
            abort(e.getMessage());
        } catch (DownstreamGone e) {
            body.close();
            abort("client went away after " + sent + " bytes");
        }
    }

    /** Copies until the body ends; returns the upstream fault when it broke first. */
    private Optional<Attempt> copy(UpstreamBody body, OutputStream out, byte[] buffer) throws DigestMismatch, DownstreamGone {
        while (length < 0 || sent < length) {
            int n;
            try {
                n = body.read(buffer, (int) (length < 0 ? buffer.length : Math.min(buffer.length, length - sent)));
            } catch (IOException e) {
                return Optional.of(FailoverPolicy.failed(body.upstream(), e, body.transfer()));
            }
            if (n == -1) {
                if (length < 0) {
                    verify();
                    return Optional.empty();
                }
                return Optional.of(new Attempt(body.upstream(), TrafficFault.CONNECT_FAILURE,
                        "body ended after " + sent + " of " + length + " bytes", Optional.empty()));
            }
            if (hasher != null) {
                hasher.update(buffer, 0, n);
            }
            if (length >= 0 && sent + n == length) {
                verify();
            }
            try {
                out.write(buffer, 0, n);
            } catch (IOException e) {
                throw new DownstreamGone();
            }
            sent += n;
        }
        return Optional.empty();
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

    private void abort(String why) {
        LOG.warn("closing the connection for {} abruptly: {}", exchange.getRequestPath(), why);
        IoUtils.safeClose(exchange.getConnection());
    }

    private static final class DigestMismatch extends Exception {
        DigestMismatch(String message) {
            super(message, null, false, false);
        }
    }

    private static final class DownstreamGone extends Exception {
        DownstreamGone() {
            super(null, null, false, false);
        }
    }
}
