package io.mirrorswitch.config;

import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Replaces {@code ${NAME}} in config values with the environment variable NAME. It runs on parsed values, not
 * on the file text, so a variable's content can never change the structure of the YAML. It runs before a value
 * is typed: {@code interval: ${IV}} with {@code IV=7s} is the duration 7s, {@code rise: ${RISE}} the number, and
 * a substituted value is text until the key's type says otherwise (a password from {@code PW=0123} stays 0123).
 */
final class EnvSubstitution {
    private static final Pattern VAR = Pattern.compile("\\$\\{([A-Za-z_][A-Za-z0-9_]*)}");
    private final Map<String, String> env;

    EnvSubstitution(Map<String, String> env) {
        this.env = env;
    }

    /** Whether {@code value} holds at least one {@code ${NAME}} reference. */
    static boolean refersToEnvironment(String value) {
        return VAR.matcher(value).find();
    }

    String apply(String key, String value) {
        Matcher m = VAR.matcher(value);
        StringBuilder out = new StringBuilder();
        while (m.find()) {
            String replacement = env.get(m.group(1));
            if (replacement == null) {
                throw new ConfigException(key, value, "environment variable " + m.group(1) + " to be set");
            }
            m.appendReplacement(out, Matcher.quoteReplacement(replacement));
        }
        m.appendTail(out);
        return out.toString();
    }
}
