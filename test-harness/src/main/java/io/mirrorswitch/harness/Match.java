package io.mirrorswitch.harness;

import java.util.Locale;

/**
 * Which requests a {@link Rule} (or a count) applies to: a kind, optionally narrowed to a method and
 * to targets containing a substring. Immutable; the narrowing methods return a new Match.
 *
 * <pre>{@code
 * Match.BLOBS                                   // every blob request
 * Match.MANIFESTS.method("GET")                 // manifest GETs, not registry:2's HEADs
 * Match.BLOBS.pathContains(layerDigest)         // one blob
 * Match.ANY.pathContains("library/alpine")      // everything about one repository
 * }</pre>
 *
 * @param kind          the request kind, or null for any
 * @param requestMethod the method, upper case, or null for any
 * @param pathSubstring a substring of the request target (path and query), or null for any
 */
public record Match(RequestKind kind, String requestMethod, String pathSubstring) {

    public static final Match ANY = new Match(null, null, null);
    public static final Match BASE = new Match(RequestKind.BASE, null, null);
    public static final Match MANIFESTS = new Match(RequestKind.MANIFEST, null, null);
    public static final Match BLOBS = new Match(RequestKind.BLOB, null, null);
    public static final Match TAGS = new Match(RequestKind.TAGS, null, null);

    public Match {
        requestMethod = requestMethod == null ? null : requestMethod.toUpperCase(Locale.ROOT);
    }

    /** Only requests with this method (GET, HEAD, ...). */
    public Match method(String method) {
        return new Match(kind, method, pathSubstring);
    }

    /** Only requests whose target contains {@code substring}. */
    public Match pathContains(String substring) {
        return new Match(kind, requestMethod, substring);
    }

    public boolean matches(String method, String target) {
        return (kind == null || RequestKind.of(target) == kind)
                && (requestMethod == null || requestMethod.equalsIgnoreCase(method))
                && (pathSubstring == null || target.contains(pathSubstring));
    }

    @Override
    public String toString() {
        StringBuilder text = new StringBuilder(kind == null ? "ANY" : kind.name());
        if (requestMethod != null) {
            text.append(' ').append(requestMethod);
        }
        if (pathSubstring != null) {
            text.append(" *").append(pathSubstring).append('*');
        }
        return text.toString();
    }
}
