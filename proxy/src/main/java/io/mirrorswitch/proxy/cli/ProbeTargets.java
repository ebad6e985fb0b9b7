package io.mirrorswitch.proxy.cli;

import io.mirrorswitch.config.ConfigException;
import io.mirrorswitch.config.ConfigLoader;
import io.mirrorswitch.config.Durations;
import io.mirrorswitch.config.HealthConfig;
import io.mirrorswitch.config.MirrorswitchConfig;
import io.mirrorswitch.config.Origins;
import io.mirrorswitch.config.UpstreamConfig;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.yaml.snakeyaml.Yaml;

/**
 * What {@code probe} measures and how: the candidates (a config file's upstreams with their credentials, or bare
 * URLs) and the health settings (the file's, or the defaults), with command-line overrides. Everything goes
 * through {@link ConfigLoader}, so a URL or an image name is validated exactly as in a config file.
 *
 * @param fromUrls true when the candidates were given as URLs (then the table shows URLs, not names)
 */
record ProbeTargets(List<UpstreamConfig> upstreams, MirrorswitchConfig config, boolean fromUrls) {

    HealthConfig health() {
        return config.health();
    }

    static ProbeTargets of(ConfigLoader loader, Optional<Path> file, List<String> urls, Overrides overrides) {
        boolean fromUrls = file.isEmpty();
        MirrorswitchConfig config = file.map(loader::load).orElseGet(() -> loader.parse(dump(urlConfig(origins(urls)))));
        HealthConfig health = overrides.applyTo(loader, config.health());
        MirrorswitchConfig effective = new MirrorswitchConfig(config.listen(), config.admin(), config.publicUrl(),
                config.upstreams(), health, config.selection(), config.timeouts(), config.failover());
        return new ProbeTargets(effective.upstreams(), effective, fromUrls);
    }

    /** Command-line overrides of health settings, validated as config values and named by their option on error. */
    record Overrides(String image, String timeout, String slowAfter) {
        HealthConfig applyTo(ConfigLoader loader, HealthConfig base) {
            if (image == null && timeout == null && slowAfter == null) {
                return base;
            }
            Map<String, Object> health = new LinkedHashMap<>();
            health.put("probe", image == null ? base.probe() : image);
            health.put("timeout", timeout == null ? Durations.format(base.timeout()) : timeout);
            health.put("slowAfter", slowAfter == null ? defaultSlowAfter(base) : slowAfter);
            Map<String, Object> root = new LinkedHashMap<>();
            root.put("upstreams", List.of(Map.of("name", "x", "url", "http://x.invalid")));
            root.put("health", health);
            HealthConfig parsed;
            try {
                parsed = loader.parse(dump(root)).health();
            } catch (ConfigException e) {
                throw ConfigException.of(e.getMessage().replace("health.probe", "--image")
                        .replace("health.timeout", "--timeout").replace("health.slowAfter", "--slow-after"));
            }
            return new HealthConfig(base.interval(), parsed.probe(), parsed.timeout(), parsed.slowAfter(), base.rise(),
                    base.fall(), base.deepEvery(), base.throttleCooldown());
        }

        /**
         * Without {@code --slow-after}: the config's (or the default) slowAfter, or half of {@code --timeout} when
         * that is not longer (slow must be below the limit to be seen at all); the first progress line says which.
         */
        private String defaultSlowAfter(HealthConfig base) {
            if (timeout == null) {
                return Durations.format(base.slowAfter());
            }
            Duration limit = Durations.parse("--timeout", timeout);
            return Durations.format(base.slowAfter().compareTo(limit) < 0 ? base.slowAfter() : limit.dividedBy(2));
        }
    }

    /**
     * The URL arguments as origins, each checked on its own and named by its place on the command line (not by a
     * config key it never had); a trailing slash is dropped, and the same mirror twice is a mistake.
     */
    static List<String> origins(List<String> urls) {
        List<String> out = new ArrayList<>();
        Map<String, Integer> seen = new HashMap<>();
        for (int i = 0; i < urls.size(); i++) {
            String argument = urls.size() == 1 ? "URL argument" : "URL argument " + (i + 1);
            URI origin = Origins.parseLenient(argument, urls.get(i));
            Integer before = seen.putIfAbsent(Origins.identity(origin), i + 1);
            if (before != null) {
                throw new ConfigException(argument, urls.get(i), "a mirror not given before (URL argument " + before
                        + " is the same)");
            }
            out.add(origin.toString());
        }
        return out;
    }

    /** A config tree with one upstream per URL, named after its host and port. */
    private static Map<String, Object> urlConfig(List<String> urls) {
        List<Map<String, Object>> upstreams = new ArrayList<>();
        Set<String> names = new HashSet<>();
        for (String url : urls) {
            String base = nameFor(url);
            String name = base;
            for (int n = 2; !names.add(name); n++) {
                name = base + "-" + n;
            }
            Map<String, Object> u = new LinkedHashMap<>();
            u.put("name", name);
            u.put("url", url);
            upstreams.add(u);
        }
        return Map.of("upstreams", upstreams);
    }

    static String nameFor(String url) {
        String host;
        try {
            URI uri = URI.create(url);
            host = uri.getHost() == null ? url : uri.getHost() + (uri.getPort() > 0 ? "-" + uri.getPort() : "");
        } catch (IllegalArgumentException e) {
            host = url;
        }
        String name = host.toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9._-]", "-").replaceAll("^[^a-z0-9]+", "");
        name = name.isEmpty() ? "mirror" : name;
        return name.length() > 60 ? name.substring(0, 60) : name;
    }

    private static String dump(Map<String, Object> tree) {
        return new Yaml().dump(tree);
    }
}
