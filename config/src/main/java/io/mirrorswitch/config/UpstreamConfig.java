package io.mirrorswitch.config;

import java.net.URI;
import java.nio.file.Path;
import java.util.Optional;

/**
 * One upstream mirror. {@code url} is an origin (scheme, host, port) with no path: registry:2 and the Registry
 * v2 API address everything from {@code /v2/}. Credentials, when present, are only ever sent to this upstream
 * and to the token realm it announces.
 *
 * @param passwordFile where {@code password} was read from, when it came from a {@code passwordFile:} (the path is
 *                     not secret and is shown; the password never is)
 */
public record UpstreamConfig(String name, URI url, int priority, Optional<String> username, Optional<Secret> password,
                             Optional<Path> passwordFile) {

    /** An upstream whose password, if any, was given inline or through {@code ${ENV}}. */
    public UpstreamConfig(String name, URI url, int priority, Optional<String> username, Optional<Secret> password) {
        this(name, url, priority, username, password, Optional.empty());
    }

    public boolean hasCredentials() {
        return username.isPresent() && password.isPresent();
    }

    /** {@code https://host:port} with the default port left out, as used in log lines and {@code /status}. */
    public String origin() {
        return url.getScheme() + "://" + url.getRawAuthority();
    }
}
