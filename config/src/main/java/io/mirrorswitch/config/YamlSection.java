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

    Optional<Object> raw(String name) {
        known.add(name);
        return Optional.ofNullable(values.get(name));
    }

    Optional<String> string(String name) {
        return raw(name).map(v -> {
            if (v instanceof Map || v instanceof List) {
                throw new ConfigException(key(name), v, "a single value");
            }
            return substitute.apply(key(name), String.valueOf(v));
        });
    }

    String requiredString(String name, String expected) {
        return string(name).filter(s -> !s.isBlank())
                .orElseThrow(() -> ConfigException.missing(key(name), expected));
    }

    int integer(String name, int fallback, int min) {
        Optional<Object> value = raw(name);
        if (value.isEmpty()) {
            return fallback;
        }
        Object v = value.get();
        if (v instanceof Integer i && i >= min) {
            return i;
        }
        throw new ConfigException(key(name), v, "a whole number of at least " + min);
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
