package io.mirrorswitch.harness;

import java.nio.file.Path;

/**
 * A started stand-in for one upstream mirror: a seeded docker-registry, either anonymous or behind
 * its own {@link TokenIssuer} (own realm, own signing key), as public mirrors are.
 *
 * <p>{@link #stop()} / {@link #start()} take the registry down and up on the same URL (an outage);
 * the token issuer keeps running. {@link #close()} stops both.
 */
public final class UpstreamRegistry implements AutoCloseable {

    private final TokenIssuer issuer;
    private final RegistryProcess registry;

    private UpstreamRegistry(TokenIssuer issuer, RegistryProcess registry) {
        this.issuer = issuer;
        this.registry = registry;
    }

    /** Token auth with anonymous pulls allowed; the issuer is named {@code <service>-issuer}. */
    public static UpstreamRegistry tokenAuth(String service, Path seedStorage) {
        return withIssuer(TokenIssuer.builder().service(service).issuer(service + "-issuer").build(), seedStorage);
    }

    /** Token auth whose issuer checks the given Basic credentials when they are presented. */
    public static UpstreamRegistry tokenAuthWithCredentials(String service, String username, String password,
                                                            Path seedStorage) {
        return withIssuer(TokenIssuer.builder().service(service).issuer(service + "-issuer")
                .credentials(username, password).build(), seedStorage);
    }

    /** No auth at all: {@code GET /v2/} answers 200. */
    public static UpstreamRegistry anonymous(Path seedStorage) {
        RegistryProcess registry = RegistryProcess.builder().name("upstream-anonymous")
                .seededFrom(seedStorage).start();
        return new UpstreamRegistry(null, registry);
    }

    /** Token auth by a caller-configured issuer (e.g. with a login wall); takes ownership of it. */
    public static UpstreamRegistry withIssuer(TokenIssuer issuer, Path seedStorage) {
        try {
            RegistryProcess registry = RegistryProcess.builder().name("upstream-" + issuer.service())
                    .withTokenAuth(issuer).seededFrom(seedStorage).start();
            return new UpstreamRegistry(issuer, registry);
        } catch (RuntimeException e) {
            issuer.close();
            throw e;
        }
    }

    /** {@code http://127.0.0.1:<port>}, e.g. for registry:2's {@code proxy.remoteurl}. */
    public String url() {
        return registry.url();
    }

    public String hostPort() {
        return registry.hostPort();
    }

    public RegistryProcess registry() {
        return registry;
    }

    public boolean isTokenAuth() {
        return issuer != null;
    }

    /** The upstream's token issuer; an anonymous upstream has none. */
    public TokenIssuer issuer() {
        if (issuer == null) {
            throw new IllegalStateException("anonymous upstream " + url() + " has no token issuer");
        }
        return issuer;
    }

    public UpstreamRegistry start() {
        registry.start();
        return this;
    }

    public void stop() {
        registry.stop();
    }

    @Override
    public void close() {
        try {
            registry.close();
        } finally {
            if (issuer != null) {
                issuer.close();
            }
        }
    }

    @Override
    public String toString() {
        return "UpstreamRegistry[" + registry + (issuer == null ? ", anonymous" : ", " + issuer) + "]";
    }
}
