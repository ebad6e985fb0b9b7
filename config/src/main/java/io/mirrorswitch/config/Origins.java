package io.mirrorswitch.config;

import java.net.URI;
import java.net.URISyntaxException;
import java.util.Locale;

/** Mirror origins ({@code http(s)://host[:port]}, no path) as the config and the command line accept them. */
public final class Origins {
    static final String EXPECTED = "an http:// or https:// URL with a host and no path, e.g. https://mirror.example";

    private Origins() {
    }

    /**
     * {@code text} as an origin, or a {@link ConfigException} naming {@code key}: e.g. {@code upstreams[0].url} in
     * a file, or the command-line argument it came from.
     */
    public static URI parse(String key, String text) {
        String shown = withoutUserInfo(text);
        try {
            URI uri = new URI(text);
            String scheme = uri.getScheme() == null ? null : uri.getScheme().toLowerCase(Locale.ROOT);
            boolean httpScheme = "http".equals(scheme) || "https".equals(scheme);
            if (httpScheme && uri.getRawUserInfo() != null) {
                throw new ConfigException(key, shown, EXPECTED + "; credentials belong in username and password "
                        + "(or passwordFile), never in the URL");
            }
            boolean noPath = uri.getRawPath() == null || uri.getRawPath().isEmpty();
            if (httpScheme && uri.getHost() != null && noPath && uri.getRawQuery() == null
                    && uri.getRawFragment() == null) {
                if (uri.getPort() == 0 || uri.getPort() > 65535) {
                    throw new ConfigException(key, shown, EXPECTED + " (a port from 1 to 65535)");
                }
                return scheme.equals(uri.getScheme()) ? uri : new URI(scheme, null, uri.getHost(), uri.getPort(), null, null, null);
            }
            if (httpScheme && "/".equals(uri.getRawPath())) {
                throw new ConfigException(key, shown, EXPECTED + " (no trailing slash)");
            }
        } catch (URISyntaxException ignored) {
            // reported below
        }
        throw new ConfigException(key, shown, EXPECTED);
    }

    /**
     * {@code text} with whatever sits between {@code ://} and {@code @} replaced by {@code ******}: a URL written with
     * a password in it must not echo the password back in an error (errors reach logs, /status and /reload answers).
     */
    static String withoutUserInfo(String text) {
        return text.replaceFirst("^([A-Za-z][A-Za-z0-9+.-]*://)[^/?#]*@", "$1******@");
    }

    /** As {@link #parse}, but a trailing slash ({@code https://mirror.example/}) is dropped instead of refused. */
    public static URI parseLenient(String key, String text) {
        String trimmed = text.strip();
        if (trimmed.endsWith("/") && !trimmed.endsWith("//")) {
            try {
                return parse(key, trimmed.substring(0, trimmed.length() - 1));
            } catch (ConfigException e) {
                // not an origin with a slash after it: report what was given
            }
        }
        return parse(key, text);
    }

    /** Scheme, lower-case host and port with the default port written out: equal for the same origin. */
    public static String identity(URI origin) {
        int port = origin.getPort() != -1 ? origin.getPort() : "https".equals(origin.getScheme()) ? 443 : 80;
        return origin.getScheme() + "://" + origin.getHost().toLowerCase(Locale.ROOT) + ":" + port;
    }
}
