package io.mirrorswitch.health;

import io.mirrorswitch.config.HealthConfig;
import io.mirrorswitch.health.ManifestDocument.Descriptor;
import io.mirrorswitch.health.Verdicts.Target;
import io.mirrorswitch.upstream.UpstreamClient;
import io.mirrorswitch.upstream.UpstreamRequest;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import okhttp3.Headers;
import okhttp3.Response;

/**
 * One probe round against one upstream, doing what a pull does (issue 3, steps 1-5): {@code GET /v2/},
 * {@code HEAD} the probe tag's manifest, and on deep rounds {@code GET} that manifest by digest, check its hash,
 * {@code GET} its smallest blob and check that hash too. It never {@code GET}s a manifest by tag: on Docker Hub
 * that costs pull quota, a {@code HEAD} does not. Single use, not thread-safe.
 */
final class ProbeRound {
    private static final long MAX_MANIFEST_BYTES = 4L << 20; // registry:2's own manifest limit
    private static final long MAX_UNSIZED_BLOB_BYTES = 64L << 20;
    private static final long MAX_SMALL_BODY_BYTES = 64L << 10;
    private static final Headers ACCEPT_MANIFESTS = Headers.of("Accept", ManifestDocument.ACCEPT);

    private final UpstreamClient client;
    private final HealthConfig health;
    private final Clock clock;
    private final boolean deep;
    private final String repository;
    private final String scope;
    private final Instant startedAt;
    private final long startNanos = System.nanoTime();
    private final long deadlineNanos;
    private long firstByteNanos;
    private long downloadNanos;
    private long downloaded;
    private ProbeEvidence headEvidence = ProbeEvidence.NONE;

    ProbeRound(UpstreamClient client, HealthConfig health, Clock clock, boolean deep) {
        this.client = client;
        this.health = health;
        this.clock = clock;
        this.deep = deep;
        this.repository = health.probeRepository();
        this.scope = "repository:" + repository + ":pull";
        this.startedAt = clock.instant();
        this.deadlineNanos = startNanos + health.timeout().toNanos();
    }

    ProbeResult run() {
        try {
            checkApiRoot();
            String digest = headManifest();
            String note = deep ? verifyContent(digest)
                    : "manifest " + Digests.shortForm(digest) + " by HEAD (shallow round, deepEvery " + health.deepEvery() + ")";
            return success(note);
        } catch (ProbeFailure f) {
            return new ProbeResult(name(), f.outcome(), startedAt, Duration.ofNanos(firstByteNanos), elapsed(),
                    downloaded, 0, f.retryAt(), f.note(), f.evidence());
        }
    }

    /** Step 1: the API root, following the upstream's challenge for the probe repository's pull scope. */
    private void checkApiRoot() throws ProbeFailure {
        UpstreamRequest request = UpstreamRequest.get("/v2/", scope);
        try (Response r = expectSuccess(request, "/v2/", Target.API_ROOT)) {
            byte[] body = readBody(r, request, "/v2/", MAX_SMALL_BODY_BYTES, false);
            if (Verdicts.looksLikeHtml(r.header("Content-Type"), body)) {
                throw corrupt("/v2/ answered an HTML page, not the registry API", request, r, body);
            }
        }
    }

    /** Step 2: the tag's digest by HEAD, which costs no pull quota. */
    private String headManifest() throws ProbeFailure {
        UpstreamRequest request = UpstreamRequest.head(manifestPath(health.probeTag()), scope).withHeaders(ACCEPT_MANIFESTS);
        long sent = System.nanoTime();
        try (Response r = expectSuccess(request, "manifest " + health.probe(), Target.MANIFEST)) {
            firstByteNanos = System.nanoTime() - sent;
            headEvidence = ProbeEvidence.of(request.toString(), r.code(), Verdicts.evidenceHeaders(r.headers()), "");
            if (Verdicts.looksLikeHtml(r.header("Content-Type"), new byte[0])) {
                throw corrupt("manifest HEAD answered as an HTML page", request, r, new byte[0]);
            }
            String digest = r.header("Docker-Content-Digest");
            if (!Digests.isValid(digest)) {
                throw corrupt("manifest HEAD without a valid Docker-Content-Digest (got '" + digest + "')", request, r,
                        new byte[0]);
            }
            return digest;
        }
    }

    /** Steps 3-4: the manifest by digest, then (through an index's first platform) its smallest blob. */
    private String verifyContent(String digest) throws ProbeFailure {
        long started = System.nanoTime();
        ManifestDocument manifest = fetchManifest(digest);
        if (manifest.kind() == ManifestDocument.Kind.INDEX) {
            Descriptor platform = manifest.firstPlatformManifest();
            manifest = fetchManifest(platform.digest());
            if (manifest.kind() != ManifestDocument.Kind.IMAGE) {
                throw new ProbeFailure(Outcome.CORRUPT, "index entry " + Digests.shortForm(platform.digest())
                        + " is not an image manifest", headEvidence);
            }
        }
        Descriptor blob = manifest.smallestBlob();
        fetchBlob(blob);
        downloadNanos = System.nanoTime() - started;
        return "verified manifest " + Digests.shortForm(digest) + " and blob " + Digests.shortForm(blob.digest())
                + " (" + downloaded + " bytes)";
    }

    private ManifestDocument fetchManifest(String digest) throws ProbeFailure {
        UpstreamRequest request = UpstreamRequest.get(manifestPath(digest), scope).withHeaders(ACCEPT_MANIFESTS);
        String what = "manifest " + Digests.shortForm(digest);
        try (Response r = expectSuccess(request, what, Target.MANIFEST)) {
            String answered = r.header("Docker-Content-Digest");
            if (Digests.isValid(answered) && !answered.equals(digest)) {
                throw corrupt("asked for " + what + ", answered " + Digests.shortForm(answered) + " (another manifest)",
                        request, r, new byte[0]);
            }
            byte[] body = readBody(r, request, what, MAX_MANIFEST_BYTES, true);
            if (Verdicts.looksLikeHtml(r.header("Content-Type"), body)) {
                throw corrupt(what + " answered an HTML page", request, r, body);
            }
            // A signed schema 1 manifest's digest covers its payload without the signatures, not the bytes sent.
            boolean signedSchema1 = String.valueOf(r.header("Content-Type")).startsWith(ManifestDocument.DOCKER_SCHEMA1_SIGNED);
            String actual = Digests.compute(digest, body);
            if (!signedSchema1 && !actual.equals(digest)) {
                throw corrupt("manifest digest mismatch: " + Digests.shortForm(digest) + " hashed to "
                        + Digests.shortForm(actual), request, r, body);
            }
            ManifestDocument document;
            try {
                document = ManifestDocument.parse(body);
            } catch (IllegalArgumentException e) {
                throw corrupt(e.getMessage(), request, r, body);
            }
            Optional<String> name = document.schema1Name().filter(n -> !n.equals(repository));
            if (name.isPresent()) {
                throw corrupt("manifest of another image: " + name.get(), request, r, body);
            }
            return document;
        }
    }

    private void fetchBlob(Descriptor blob) throws ProbeFailure {
        UpstreamRequest request = UpstreamRequest.get("/v2/" + repository + "/blobs/" + blob.digest(), scope);
        String what = "blob " + Digests.shortForm(blob.digest());
        try (Response r = expectSuccess(request, what, Target.BLOB)) {
            long limit = blob.size() >= 0 ? blob.size() : MAX_UNSIZED_BLOB_BYTES;
            byte[] body = readBody(r, request, what, limit, true);
            String actual = Digests.compute(blob.digest(), body);
            if (!actual.equals(blob.digest())) {
                throw corrupt("blob digest mismatch: " + Digests.shortForm(blob.digest()) + " hashed to "
                        + Digests.shortForm(actual), request, r, body);
            }
        }
    }

    /** Sends the request; any answer but 2xx ends the round with the verdict for that status. */
    private Response expectSuccess(UpstreamRequest request, String what, Target target) throws ProbeFailure {
        if (System.nanoTime() - deadlineNanos >= 0) {
            throw new ProbeFailure(Outcome.STALLED, "round exceeded health.timeout "
                    + HealthText.duration(health.timeout()) + " before " + request, ProbeEvidence.error(request.toString(),
                    "deadline passed"));
        }
        Response r;
        try {
            r = client.send(request);
        } catch (IOException e) {
            throw Verdicts.forException(request.toString(), e);
        }
        if (r.isSuccessful()) {
            return r;
        }
        ProbeFailure failure;
        try (r) {
            String body = "HEAD".equals(request.method()) ? "" : errorBody(r);
            failure = Verdicts.forStatus(request.toString(), r.code(), r.headers(), body, target, what, clock.instant());
        }
        throw failure;
    }

    private byte[] readBody(Response r, UpstreamRequest request, String what, long limit, boolean counts)
            throws ProbeFailure {
        BodyReader reader = new BodyReader();
        try {
            return reader.read(r.body(), limit, deadlineNanos);
        } catch (BodyReader.TooLarge e) {
            throw corrupt(what + " body is larger than " + limit + " bytes", request, r, new byte[0]);
        } catch (IOException e) {
            throw Verdicts.stalled(request.toString(), what, reader.bytesRead(), e, Verdicts.evidenceHeaders(r.headers()));
        } finally {
            if (counts) {
                downloaded += reader.bytesRead();
            }
        }
    }

    /** Up to a few KiB of an error body, for the evidence; a body that does not come is no reason to wait. */
    private String errorBody(Response r) {
        try {
            byte[] bytes = new BodyReader().read(r.body(), 4096, Math.min(deadlineNanos, System.nanoTime() + 2_000_000_000L));
            return new String(bytes, StandardCharsets.UTF_8);
        } catch (IOException | BodyReader.TooLarge e) {
            return "";
        }
    }

    private ProbeFailure corrupt(String note, UpstreamRequest request, Response r, byte[] body) {
        Map<String, String> headers = Verdicts.evidenceHeaders(r.headers());
        String excerpt = Verdicts.excerpt(new String(body, 0, Math.min(body.length, 4096), StandardCharsets.UTF_8),
                r.header("Content-Type"));
        return new ProbeFailure(Outcome.CORRUPT, note, ProbeEvidence.of(request.toString(), r.code(), headers, excerpt));
    }

    private ProbeResult success(String note) {
        Duration total = elapsed();
        boolean slow = total.compareTo(health.slowAfter()) > 0;
        long rate = downloadNanos > 0 ? Math.round(downloaded * 1e9 / downloadNanos) : 0;
        String text = slow ? "slow: " + HealthText.duration(total) + " > slowAfter "
                + HealthText.duration(health.slowAfter()) + "; " + note : note;
        return new ProbeResult(name(), slow ? Outcome.SLOW : Outcome.OK, startedAt, Duration.ofNanos(firstByteNanos),
                total, downloaded, rate, Optional.empty(), text, headEvidence);
    }

    private String manifestPath(String reference) {
        return "/v2/" + repository + "/manifests/" + reference;
    }

    private Duration elapsed() {
        return Duration.ofNanos(System.nanoTime() - startNanos);
    }

    private String name() {
        return client.upstream().name();
    }
}
