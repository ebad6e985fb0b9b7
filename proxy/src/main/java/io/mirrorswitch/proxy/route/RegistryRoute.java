package io.mirrorswitch.proxy.route;

import java.util.Optional;

/**
 * A parsed, validated pull route. {@code name} and {@code reference} are empty for {@link RouteKind#BASE};
 * {@code reference} is a tag or digest for manifests and a digest for blobs.
 */
public record RegistryRoute(RouteKind kind, String name, String reference) {

    public static RegistryRoute base() {
        return new RegistryRoute(RouteKind.BASE, "", "");
    }

    /** The token scope a request on this route needs, e.g. {@code repository:library/alpine:pull}. */
    public Optional<String> scope() {
        return kind == RouteKind.BASE ? Optional.empty() : Optional.of("repository:" + name + ":pull");
    }

    /** True when the reference is a digest: content-addressed, so any mirror's copy is the same bytes. */
    public boolean byDigest() {
        return reference.contains(":");
    }

    /** The canonical upstream path (a caller's {@code //v2/} becomes {@code /v2/}). */
    public String path() {
        return switch (kind) {
            case BASE -> "/v2/";
            case MANIFEST -> "/v2/" + name + "/manifests/" + reference;
            case BLOB -> "/v2/" + name + "/blobs/" + reference;
            case TAGS -> "/v2/" + name + "/tags/list";
        };
    }
}
