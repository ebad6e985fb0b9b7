package io.mirrorswitch.harness;

import java.util.regex.Pattern;

/** What a Registry v2 pull request asks for, read from its path. */
public enum RequestKind {
    /** {@code /v2/}: the version check and auth challenge ping. */
    BASE,
    /** {@code /v2/<name>/manifests/<tag or digest>} */
    MANIFEST,
    /** {@code /v2/<name>/blobs/<digest>} (not the {@code blobs/uploads/} push endpoints) */
    BLOB,
    /** {@code /v2/<name>/tags/list} */
    TAGS,
    /** Anything else: catalog, uploads, token endpoints, garbage. */
    OTHER;

    // Repository names contain slashes, so the name part is greedy and the last segment decides.
    private static final Pattern MANIFEST_PATH = Pattern.compile("^/v2/.+/manifests/[^/]+$");
    private static final Pattern BLOB_PATH = Pattern.compile("^/v2/.+/blobs/[^/]+$");
    private static final Pattern TAGS_PATH = Pattern.compile("^/v2/.+/tags/list$");

    /** Classifies a request target (path with optional query). */
    public static RequestKind of(String target) {
        int query = target.indexOf('?');
        String path = query >= 0 ? target.substring(0, query) : target;
        if (path.equals("/v2/") || path.equals("/v2")) {
            return BASE;
        }
        if (MANIFEST_PATH.matcher(path).matches()) {
            return MANIFEST;
        }
        if (BLOB_PATH.matcher(path).matches() && !path.endsWith("/blobs/uploads")) {
            return BLOB;
        }
        if (TAGS_PATH.matcher(path).matches()) {
            return TAGS;
        }
        return OTHER;
    }
}
