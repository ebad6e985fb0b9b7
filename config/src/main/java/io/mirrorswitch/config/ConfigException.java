package io.mirrorswitch.config;

import java.util.Locale;
import java.util.regex.Pattern;

/**
 * A configuration problem, always one line naming the key, the value and what was expected, e.g.
 * {@code upstreams[1].url: 'ftp://x' is not valid, expected an http:// or https:// URL with no path}.
 */
public final class ConfigException extends RuntimeException {
    private static final Pattern ENV_REFERENCES = Pattern.compile("(\\$\\{[A-Za-z_][A-Za-z0-9_]*})+");

    public ConfigException(String key, Object value, String expected) {
        super(key + ": " + (isSecretKey(key) ? describeSecret(value) : describe(value)) + " is not valid, expected " + expected);
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

    private static boolean isSecretKey(String key) {
        return key.toLowerCase(Locale.ROOT).endsWith("password");
    }

    /**
     * A value under a password key is shown only when it is nothing but {@code ${VAR}} references (the usual
     * "variable not set" case) or blank; anything else there (a list, a literal with a typo) may hold the secret
     * itself.
     */
    private static String describeSecret(Object value) {
        if (value instanceof String s && (s.isBlank() || ENV_REFERENCES.matcher(s).matches())) {
            return "'" + s + "'";
        }
        return "'******'";
    }

    private static String describe(Object value) {
        if (value instanceof Secret) {
            return "'" + value + "'";
        }
        return value == null ? "null" : "'" + value + "'";
    }
}
