package io.mirrorswitch.proxy.route;

import java.util.regex.Pattern;

/**
 * Turns a raw request path into a {@link RegistryRoute} using the distribution reference grammar. Anything that
 * is not a pull route of the v2 API is refused here, so nothing else ever sees a traversal, an encoded slash or
 * a path that would address something other than the registry.
 */
public final class RouteParser {
    private static final String COMPONENT = "[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*";
    private static final Pattern NAME = Pattern.compile(COMPONENT + "(?:/" + COMPONENT + ")*");
    private static final Pattern TAG = Pattern.compile("[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}");
    /**
     * The digests we can verify, so the only ones we relay: a {@code sha384:} (which docker-registry accepts) or any
     * other algorithm would reach registry:2 unchecked, and an {@code md5:} would cost every upstream a request.
     */
    private static final Pattern VERIFIABLE_DIGEST = Pattern.compile("sha256:[a-f0-9]{64}|sha512:[a-f0-9]{128}");
    private static final int MAX_NAME = 255;

    private RouteParser() {
    }

    /** @param rawPath the path exactly as sent (not percent-decoded), without the query */
    public static RegistryRoute parse(String rawPath) throws RouteException {
        String path = rawPath.startsWith("//v2/") ? rawPath.substring(1) : rawPath;
        if (path.equals("/v2/") || path.equals("/v2")) {
            return RegistryRoute.base();
        }
        if (!path.startsWith("/v2/")) {
            throw RouteException.notFound(rawPath);
        }
        String rest = path.substring(4);
        int tags = rest.lastIndexOf("/tags/list");
        if (tags > 0 && tags + "/tags/list".length() == rest.length()) {
            return new RegistryRoute(RouteKind.TAGS, name(rest.substring(0, tags)), "");
        }
        int manifests = rest.lastIndexOf("/manifests/");
        if (manifests > 0) {
            String reference = rest.substring(manifests + "/manifests/".length());
            return new RegistryRoute(RouteKind.MANIFEST, name(rest.substring(0, manifests)), reference(reference));
        }
        int blobs = rest.lastIndexOf("/blobs/");
        if (blobs > 0) {
            String digest = rest.substring(blobs + "/blobs/".length());
            if (digest.startsWith("uploads")) {
                throw RouteException.unsupported();
            }
            return new RegistryRoute(RouteKind.BLOB, name(rest.substring(0, blobs)), digest(digest));
        }
        throw RouteException.notFound(rawPath);
    }

    private static String name(String name) throws RouteException {
        if (name.length() > MAX_NAME || !NAME.matcher(name).matches()) {
            throw RouteException.invalid("NAME_INVALID", "invalid repository name", name);
        }
        return name;
    }

    private static String reference(String reference) throws RouteException {
        if (reference.contains(":")) {
            return digest(reference);
        }
        if (!TAG.matcher(reference).matches()) {
            throw RouteException.invalid("TAG_INVALID", "manifest tag did not match URI", reference);
        }
        return reference;
    }

    private static String digest(String digest) throws RouteException {
        if (VERIFIABLE_DIGEST.matcher(digest).matches()) {
            return digest;
        }
        boolean otherAlgorithm = !digest.startsWith("sha256:") && !digest.startsWith("sha512:") && digest.indexOf(':') > 0;
        throw RouteException.invalid("DIGEST_INVALID", otherAlgorithm
                ? "unsupported digest algorithm: mirrorswitch verifies sha256 and sha512 digests only"
                : "provided digest did not match uploaded content", digest);
    }
}
