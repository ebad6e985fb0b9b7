package io.mirrorswitch.config;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.BinaryOperator;

/**
 * One mapping of the config file with its dotted path, handing out values by key and remembering which keys
 * were read, so that {@link #rejectUnknownKeys()} can name a misspelt key instead of silently ignoring it.
 */
final class YamlSection {
    private final String path;
    private final Map<String, Object> values;
    private final Set<String> known = new LinkedHashSet<>();
    private final BinaryOperator<String> substitute;

    YamlSection(String path, Map<?, ?> values, BinaryOperator<String> substitute) {
        this.path = path;
        this.values = new LinkedHashMap<>();
        values.forEach((k, v) -> this.values.put(String.valueOf(k), v));
        this.substitute = substitute;
    }

    String key(String name) {
        return path.isEmpty() ? name : path + "." + name;
    }

    /**
     * The value under {@code name} as it is to be typed: a string with {@code ${NAME}} references has them
     * replaced (so a substituted value is always a String); other values as YAML read them.
     */
    Optional<Object> raw(String name) {
        known.add(name);
        Object v = values.get(name);
        if (v instanceof String s) {
            return Optional.of(substitute.apply(key(name), s));
        }
        return Optional.ofNullable(v);
    }

    /** The value as written in the file held a {@code ${NAME}} reference. */
    boolean fromEnvironment(String name) {
        return values.get(name) instanceof String s && EnvSubstitution.refersToEnvironment(s);
    }

    /**
     * Text a person typed that YAML must not reinterpret, such as a user name or a password: a YAML string, or
     * what {@code ${NAME}} gives (always text). An unquoted value YAML 1.1 reads as something else ({@code 0123}
     * as the number 83, {@code yes} as true) is refused with the hint to quote it; so is an empty one.
     *
     * @param what what the value is, for the error line, e.g. {@code password}
     */
    Optional<String> text(String name, String what) {
        Optional<Object> value = raw(name);
        if (value.isEmpty()) {
            return Optional.empty();
        }
        Object v = value.get();
        if (v instanceof Map || v instanceof List) {
            throw new ConfigException(key(name), v, "a single value");
        }
        if (!(v instanceof String s)) {
            throw new ConfigException(key(name), v, "a " + what + " in quotes (unquoted, YAML reads it as "
                    + readAs(v) + ", not as text), e.g. " + name + ": '...'");
        }
        if (s.isBlank()) {
            throw new ConfigException(key(name), values.get(name),
                    "a non-empty " + what + (fromEnvironment(name) ? " (the environment variable is empty)" : ""));
        }
        return Optional.of(s);
    }

    private static String readAs(Object v) {
        if (v instanceof Number) {
            return "a number";
        }
        if (v instanceof Boolean) {
            return "true or false";
        }
        if (v instanceof java.util.Date) {
            return "a date";
        }
        return "something else";
    }

    Optional<String> string(String name) {
        return raw(name).map(v -> {
            if (v instanceof Map || v instanceof List) {
                throw new ConfigException(key(name), v, "a single value");
            }
            return String.valueOf(v);
        });
    }

    String requiredString(String name, String expected) {
        return string(name).filter(s -> !s.isBlank())
                .orElseThrow(() -> ConfigException.missing(key(name), expected));
    }

    /** A whole number: as YAML read it, or as text (what {@code ${NAME}} gives, or a quoted {@code '3'}). */
    int integer(String name, int fallback, int min) {
        Optional<Object> value = raw(name);
        if (value.isEmpty()) {
            return fallback;
        }
        Object v = value.get();
        Integer number = v instanceof Integer i ? i
                : v instanceof String s ? parseInt(s.strip()) : null;
        if (number != null && number >= min) {
            return number;
        }
        throw new ConfigException(key(name), v, "a whole number of at least " + min);
    }

    /** true or false: as YAML read it, or as text (what {@code ${NAME}} gives). */
    boolean bool(String name, boolean fallback) {
        Optional<Object> value = raw(name);
        if (value.isEmpty()) {
            return fallback;
        }
        Object v = value.get();
        if (v instanceof Boolean b) {
            return b;
        }
        if (v instanceof String s && (s.strip().equalsIgnoreCase("true") || s.strip().equalsIgnoreCase("false"))) {
            return Boolean.parseBoolean(s.strip());
        }
        throw new ConfigException(key(name), v, "true or false");
    }

    private static Integer parseInt(String text) {
        try {
            return text.matches("[+-]?\\d+") ? Integer.valueOf(text) : null;
        } catch (NumberFormatException e) {
            return null;
        }
    }

    Optional<YamlSection> section(String name) {
        return raw(name).map(v -> asSection(key(name), v));
    }

    List<YamlSection> sections(String name) {
        Optional<Object> value = raw(name);
        if (value.isEmpty()) {
            return List.of();
        }
        if (!(value.get() instanceof List<?> list)) {
            throw new ConfigException(key(name), value.get(), "a list");
        }
        List<YamlSection> out = new ArrayList<>();
        for (int i = 0; i < list.size(); i++) {
            out.add(asSection(key(name) + "[" + i + "]", list.get(i)));
        }
        return out;
    }

    void rejectUnknownKeys() {
        for (String k : values.keySet()) {
            if (!known.contains(k)) {
                throw ConfigException.unknown(key(k), String.join(", ", known));
            }
        }
    }

    private YamlSection asSection(String key, Object v) {
        if (v instanceof Map<?, ?> map) {
            return new YamlSection(key, map, substitute);
        }
        throw new ConfigException(key, v, "a mapping of keys to values");
    }
}
