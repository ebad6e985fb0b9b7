package io.mirrorswitch.config;

/**
 * A configuration problem, always one line naming the key, the value and what was expected, e.g.
 * {@code upstreams[1].url: 'ftp://x' is not valid, expected an http:// or https:// URL with no path}.
 */
public final class ConfigException extends RuntimeException {
    public ConfigException(String key, Object value, String expected) {
        super(key + ": " + describe(value) + " is not valid, expected " + expected);
    }

    private ConfigException(String message) {
        super(message);
    }

    public static ConfigException missing(String key, String expected) {
        return new ConfigException(key + ": missing, expected " + expected);
    }

    public static ConfigException unknown(String key, String known) {
        return new ConfigException(key + ": unknown key, expected one of " + known);
    }

    public static ConfigException of(String message) {
        return new ConfigException(message);
    }

    private static String describe(Object value) {
        if (value instanceof Secret) {
            return "'" + value + "'";
        }
        return value == null ? "null" : "'" + value + "'";
    }
}
