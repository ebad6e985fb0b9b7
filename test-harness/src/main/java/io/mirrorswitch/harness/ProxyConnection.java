package io.mirrorswitch.harness;

import java.io.BufferedInputStream;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.function.Consumer;

/**
 * One client connection of a {@link FaultProxy}, served by its own thread: reads requests one after
 * another (keep-alive), applies the faults the {@link RuleBook} chooses, and relays everything else
 * to the target over its own {@link TargetConnection}.
 *
 * <p>How a connection ends is part of the fault model: RST for reset and for released holds (the
 * client must see a broken connection, not a short body), FIN for truncate, and a mirrored end when
 * the target itself breaks off (FIN for a clean early close, RST for a reset).
 */
final class ProxyConnection implements Runnable {

    private final Socket client;
    private final ProxyContext context;
    private final Consumer<ProxyConnection> onClosed;
    private final TargetConnection target;
    private final BodyPump pump;
    private volatile Thread thread;
    private volatile boolean aborted;
    /** Whether this connection is counted in {@link ProxyContext#held()}; only its own thread changes it. */
    private boolean countedAsHeld;

    ProxyConnection(Socket client, ProxyContext context, Consumer<ProxyConnection> onClosed) {
        this.client = client;
        this.context = context;
        this.onClosed = onClosed;
        this.target = new TargetConnection(context.targetHost(), context.targetPort());
        this.pump = new BodyPump(context.sharedLimit(), context.traffic());
    }

    @Override
    public void run() {
        thread = Thread.currentThread();
        try {
            client.setTcpNoDelay(true);
            InputStream in = new BufferedInputStream(client.getInputStream(), BodyPump.BUFFER_SIZE);
            OutputStream out = client.getOutputStream();
            for (HttpHead request = HttpHead.read(in); request != null && serve(request, in, out);
                 request = HttpHead.read(in)) {
                // next request on the same keep-alive connection
            }
        } catch (IOException | RuntimeException e) {
            // RuntimeException: a malformed message (bad Content-Length, start line); drop the connection
            if (!aborted) {
                context.traffic().log("connection from " + client.getRemoteSocketAddress() + " ended: " + e);
            }
        } finally {
            uncountHeld();
            target.close();
            closeQuietly();
            onClosed.accept(this);
        }
    }

    /** Resets the client connection and closes the target side; used by refuse() and close(). */
    void abort() {
        aborted = true;
        resetClient();
        target.close();
        Thread current = thread;
        if (current != null) {
            current.interrupt(); // ends a trickle's or a limiter's sleep
        }
    }

    /** @return whether the connection stays open for another request */
    private boolean serve(HttpHead request, InputStream in, OutputStream out) throws IOException {
        RequestFaults faults = context.rules().forRequest(request.method(), request.target(), request.has("Range"));
        Fault answer = faults.answer();
        if (answer instanceof Fault.Reset) {
            record(request, 0, faults.applied());
            resetClient();
            return false;
        }
        if (answer instanceof Fault.Blackhole) {
            countAsHeld(); // before the record, so a test that sees the request sees the hold too
            record(request, 0, faults.applied());
            hold(faults.release());
            return false;
        }
        if (answer instanceof StatusFault status) {
            discard(new BodyReader(in, BodyFraming.ofRequest(request)));
            boolean keepAlive = clientKeepsAlive(request, null, BodyFraming.NONE);
            record(request, status.status(), faults.applied());
            out.write(status.responseHead(!keepAlive).toBytes());
            if (!request.method().equalsIgnoreCase("HEAD")) {
                out.write(status.body());
            }
            out.flush();
            return keepAlive;
        }
        if (faults.ignoreRange()) {
            request.remove("Range");
            request.remove("If-Range");
        }
        request.removeUpgradeOffer();
        return relay(request, in, out, faults.applied());
    }

    private boolean relay(HttpHead request, InputStream in, OutputStream out, List<Fault> requestFaults)
            throws IOException {
        String method = request.method();
        BodyFraming requestFraming = BodyFraming.ofRequest(request);
        HttpHead response;
        try {
            response = target.exchange(request, new BodyReader(in, requestFraming), requestFraming.hasBody(),
                    requestFraming.type());
            while (response.status() / 100 == 1 && response.status() != 101) {
                out.write(response.toBytes()); // interim answer, e.g. 100 Continue
                response = target.readHead();
            }
        } catch (IOException e) {
            // A target that is down looks to the client like the mirror itself being down.
            context.traffic().log("target " + context.targetHost() + ":" + context.targetPort() + " failed for "
                    + request.startLine() + ": " + e);
            record(request, 0, List.of());
            resetClient();
            return false;
        }
        BodyFraming framing = BodyFraming.ofResponse(method, response);
        BodyFaults bodyFaults = context.rules().forResponse(method, request.target(), response.status(), framing);
        List<Fault> applied = new ArrayList<>(requestFaults);
        applied.addAll(bodyFaults.applied());
        boolean keepAlive = clientKeepsAlive(request, response, framing);
        boolean targetReusable = !response.hasToken("Connection", "close")
                && framing.type() != BodyFraming.Type.UNTIL_CLOSE;
        BodyReader body = new BodyReader(target.input(), framing);
        BodyFraming.Type outType = framing.type();
        boolean fromTarget = true;
        if (bodyFaults.replace() != null) {
            drainFromTarget(body);
            byte[] substitute = bodyFaults.replace().bytes();
            substitute(response, bodyFaults.replace(), substitute.length);
            BodyFraming substituteFraming = framing.hasBody()
                    ? new BodyFraming(BodyFraming.Type.FIXED, substitute.length) : BodyFraming.NONE;
            body = new BodyReader(new ByteArrayInputStream(substitute), substituteFraming);
            outType = substituteFraming.type();
            fromTarget = false;
        }
        record(request, response.status(), applied);
        out.write(response.toBytes());
        BodyPump.Outcome outcome;
        try {
            Runnable beforeCut = bodyFaults.stalls() ? this::countAsHeld : () -> { };
            outcome = pump.copy(body, new BodyWriter(out, outType), bodyFaults, fromTarget, beforeCut);
        } catch (BodyPump.TargetBodyException e) {
            context.traffic().log("target broke off " + request.startLine() + ": " + e.getMessage());
            target.close();
            if (e.cleanEnd()) {
                finishClient(out);
            } else {
                resetClient();
            }
            return false;
        }
        if (outcome == BodyPump.Outcome.CUT) {
            target.close(); // its answer was not read to the end; the connection cannot be reused
            if (bodyFaults.stalls()) {
                hold(bodyFaults.release());
            } else {
                finishClient(out);
            }
            return false;
        }
        if (!targetReusable) {
            target.close();
        }
        return keepAlive;
    }

    /** Reads (and counts) the target's real body before a substitute goes out instead. */
    private void drainFromTarget(BodyReader body) throws IOException {
        byte[] buffer = new byte[8192];
        for (int n; (n = body.read(buffer, 0, buffer.length)) >= 0; ) {
            context.traffic().addFromTarget(n);
        }
    }

    private static void substitute(HttpHead response, Fault.ReplaceBody replace, int length) {
        response.remove("Transfer-Encoding");
        response.set("Content-Length", Integer.toString(length));
        if (replace.rewriteDigest()) {
            response.set("Docker-Content-Digest", replace.digest());
            if (response.has("Etag")) {
                response.set("Etag", "\"" + replace.digest() + "\"");
            }
        }
    }

    /**
     * Keeps the connection and its thread until clear() or close() releases the hold, then resets it
     * so the client sees a broken connection rather than a clean end.
     */
    private void hold(CountDownLatch release) {
        countAsHeld();
        try {
            release.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt(); // close() interrupts; we end anyway
        } finally {
            uncountHeld(); // before the reset, so a client that sees it sees the count drop
            resetClient();
        }
    }

    private void countAsHeld() {
        if (!countedAsHeld) {
            countedAsHeld = true;
            context.held().incrementAndGet();
        }
    }

    private void uncountHeld() {
        if (countedAsHeld) {
            countedAsHeld = false;
            context.held().decrementAndGet();
        }
    }

    private static boolean clientKeepsAlive(HttpHead request, HttpHead response, BodyFraming framing) {
        return "HTTP/1.1".equals(request.requestVersion())
                && !request.hasToken("Connection", "close")
                && (response == null || !response.hasToken("Connection", "close"))
                && framing.type() != BodyFraming.Type.UNTIL_CLOSE;
    }

    private static void discard(BodyReader body) throws IOException {
        byte[] buffer = new byte[8192];
        while (body.read(buffer, 0, buffer.length) >= 0) {
            // a request body the proxy answers without forwarding
        }
    }

    /**
     * Called before the client can see the outcome, so a test that has its answer can rely on the
     * request being in {@link FaultProxy#requests()}.
     */
    private void record(HttpHead request, int status, List<Fault> faults) {
        context.traffic().record(new RelayedRequest(request.method(), request.target(),
                RequestKind.of(request.target()), status, faults.stream().map(Fault::toString).toList()));
    }

    /** A clean end: FIN after what was sent. */
    private void finishClient(OutputStream out) {
        try {
            out.flush();
            client.shutdownOutput();
        } catch (IOException ignored) {
            // the client may be gone already
        }
        closeQuietly();
    }

    /** An abrupt end: SO_LINGER 0 makes close() send RST instead of FIN. */
    private void resetClient() {
        try {
            if (!client.isClosed()) {
                client.setSoLinger(true, 0);
            }
        } catch (IOException ignored) {
            // already closed by the peer: closing below is all that is left
        }
        closeQuietly();
    }

    private void closeQuietly() {
        try {
            client.close();
        } catch (IOException ignored) {
            // nothing left to do with it
        }
    }
}
