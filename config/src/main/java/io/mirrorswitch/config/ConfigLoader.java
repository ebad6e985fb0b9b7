package io.mirrorswitch.config;

import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.NotDirectoryException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;
import org.yaml.snakeyaml.error.Mark;
import org.yaml.snakeyaml.error.MarkedYAMLException;
import org.yaml.snakeyaml.error.YAMLException;

/**
 * Reads the YAML config into a {@link MirrorswitchConfig}. Every problem stops with one {@link ConfigException}
 * line; nothing is half-applied because the result is built only once everything validated.
 */
public final class ConfigLoader {
    /** Upstream names: short, because they label every metric series and appear in every log line. */
    static final int MAX_NAME_LENGTH = 63;
    private static final Pattern UPSTREAM_NAME = Pattern.compile("[a-z0-9][a-z0-9._-]*");
    /** A probe round more often than this is hammering the mirrors, not watching them. */
    static final java.time.Duration MIN_INTERVAL = java.time.Duration.ofSeconds(1);
    private static final Pattern PROBE_IMAGE =
            Pattern.compile("[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*(?:/[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*)*"
                    + ":[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}");
    private static final String ORIGIN = Origins.EXPECTED;

    private final Map<String, String> env;

    public ConfigLoader(Map<String, String> env) {
        this.env = env;
    }

    public static ConfigLoader withSystemEnv() {
        return new ConfigLoader(System.getenv());
    }

    /** The configuration {@code serve} runs when no file is given: Docker Hub behind 0.0.0.0:5080. */
    public MirrorswitchConfig embeddedDefault() {
        try (InputStream in = ConfigLoader.class.getResourceAsStream("default-config.yaml")) {
            return parse(new String(in.readAllBytes(), StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new IllegalStateException("embedded default config is unreadable", e);
        }
    }

    /** Reads and parses {@code file} exactly as serve, {@code POST /reload} and check-config do. */
    public MirrorswitchConfig load(Path file) {
        return parse(new String(read(file), StandardCharsets.UTF_8));
    }

    /**
     * The bytes of a config file, or the one error line every command uses when it cannot be read, e.g.
     * {@code /etc/mirrorswitch/config.yaml: cannot read config file (no such file)}: the reason in plain words,
     * never a Java exception class.
     */
    public static byte[] read(Path file) {
        try {
            return Files.readAllBytes(file);
        } catch (IOException e) {
            throw ConfigException.of(file + ": cannot read config file (" + unreadable(file, e) + ")");
        }
    }

    /** Why a file could not be read, in the words of a shell ({@code no such file}, {@code permission denied}). */
    static String unreadable(Path file, IOException e) {
        if (e instanceof NoSuchFileException) {
            return "no such file";
        }
        if (e instanceof AccessDeniedException) {
            return "permission denied";
        }
        if (Files.isDirectory(file)) {
            return "it is a directory";
        }
        if (e instanceof NotDirectoryException) {
            return "a part of the path is not a directory";
        }
        if (e instanceof FileSystemException f && f.getReason() != null && !f.getReason().isBlank()) {
            return f.getReason().strip();
        }
        String message = e.getMessage();
        return message == null || message.isBlank() ? "read error" : message.replaceAll("\\s+", " ").strip();
    }

    public MirrorswitchConfig parse(String yamlText) {
        Object root;
        try {
            LoaderOptions options = new LoaderOptions();
            options.setAllowDuplicateKeys(false);
            root = new Yaml(new SafeConstructor(options)).load(yamlText);
        } catch (MarkedYAMLException e) {
            // Only the problem and its position: SnakeYAML's full message quotes the offending line, which may
            // hold a password.
            Mark mark = e.getProblemMark();
            String where = mark == null ? "" : " at line " + (mark.getLine() + 1) + ", column " + (mark.getColumn() + 1);
            String problem = e.getProblem() == null ? "unreadable" : e.getProblem().replaceAll("\\s+", " ").strip();
            throw ConfigException.of("config: not valid YAML" + where + ": " + problem);
        } catch (YAMLException e) {
            throw ConfigException.of("config: not valid YAML (" + e.getMessage().replace('\n', ' ') + ")");
        }
        if (root == null) {
            throw ConfigException.of("config: the file is empty (no settings in it), expected a mapping with at least "
                    + "an 'upstreams' list");
        }
        if (!(root instanceof Map<?, ?> map)) {
            throw new ConfigException("config", root, "a mapping with at least an 'upstreams' list");
        }
        EnvSubstitution envSubstitution = new EnvSubstitution(env);
        return read(new YamlSection("", map, envSubstitution::apply));
    }

    private MirrorswitchConfig read(YamlSection root) {
        HostPort listen = HostPort.parse("listen", root.string("listen").orElse("0.0.0.0:5080"));
        HostPort admin = HostPort.parse("admin", root.string("admin").orElse("0.0.0.0:5081"));
        if (listen.port() != 0 && listen.port() == admin.port() && (listen.host().equals(admin.host())
                || listen.host().equals("0.0.0.0") || admin.host().equals("0.0.0.0"))) {
            throw new ConfigException("admin", admin, "an address other than listen's " + listen);
        }
        Optional<URI> publicUrl = root.string("publicUrl").map(s -> origin("publicUrl", s));
        List<UpstreamConfig> upstreams = upstreams(root);
        HealthConfig health = root.section("health").map(this::health).orElse(HealthConfig.DEFAULTS);
        SelectionConfig selection = root.section("selection").map(this::selection).orElse(SelectionConfig.DEFAULTS);
        TimeoutsConfig timeouts = root.section("timeouts").map(this::timeouts).orElse(TimeoutsConfig.DEFAULTS);
        FailoverConfig failover = root.section("failover").map(this::failover).orElse(FailoverConfig.DEFAULTS);
        CoalescingConfig coalescing = root.section("coalescing").map(this::coalescing).orElse(CoalescingConfig.DEFAULTS);
        root.rejectUnknownKeys();
        return new MirrorswitchConfig(listen, admin, publicUrl, upstreams, health, selection, timeouts, failover, coalescing);
    }

    private List<UpstreamConfig> upstreams(YamlSection root) {
        List<YamlSection> sections = root.sections("upstreams");
        if (sections.isEmpty()) {
            throw ConfigException.missing("upstreams", "a list of at least one upstream with name and url");
        }
        List<UpstreamConfig> out = new ArrayList<>();
        Set<String> names = new HashSet<>();
        Map<String, String> identities = new HashMap<>();
        for (int i = 0; i < sections.size(); i++) {
            UpstreamConfig upstream = upstream(sections.get(i), i + 1);
            if (!names.add(upstream.name())) {
                throw new ConfigException(sections.get(i).key("name"), upstream.name(), "a name used by one upstream only");
            }
            // The same mirror twice is the same upstream twice, unless it is logged in as someone else (two accounts
            // with their own rate limits are a reason to list a registry twice).
            String identity = Origins.identity(upstream.url()) + " " + upstream.username().orElse("");
            String other = identities.putIfAbsent(identity, upstream.name());
            if (other != null) {
                throw new ConfigException(sections.get(i).key("url"), upstream.url(), "a URL used by one upstream only "
                        + "(upstream '" + other + "' has it too; the same mirror twice needs different usernames)");
            }
            out.add(upstream);
        }
        return out;
    }

    private UpstreamConfig upstream(YamlSection s, int position) {
        String name = s.requiredString("name", "a short name such as hub1");
        if (name.length() > MAX_NAME_LENGTH) {
            throw new ConfigException(s.key("name"), name,
                    "a name of at most " + MAX_NAME_LENGTH + " characters (this one has " + name.length() + ")");
        }
        if (!UPSTREAM_NAME.matcher(name).matches()) {
            throw new ConfigException(s.key("name"), name,
                    "lower-case letters, digits, '.', '_' or '-', starting with a letter or digit");
        }
        URI url = origin(s.key("url"), s.requiredString("url", ORIGIN));
        int priority = s.integer("priority", position, 0);
        Optional<String> username = s.text("username", "user name");
        Optional<Secret> password = s.text("password", "password").map(Secret::new);
        Optional<String> passwordFile = s.string("passwordFile");
        if (password.isPresent() && passwordFile.isPresent()) {
            throw new ConfigException(s.key("passwordFile"), passwordFile.get(), "either password or passwordFile, not both");
        }
        if (passwordFile.isPresent()) {
            password = Optional.of(readSecret(s.key("passwordFile"), passwordFile.get()));
        }
        if (username.isPresent() != password.isPresent()) {
            String missing = username.isPresent() ? "password" : "username";
            throw ConfigException.missing(s.key(missing), "username and password (or passwordFile) together");
        }
        s.rejectUnknownKeys();
        return new UpstreamConfig(name, url, priority, username, password, passwordFile.map(Path::of));
    }

    private HealthConfig health(YamlSection s) {
        HealthConfig d = HealthConfig.DEFAULTS;
        String probe = s.string("probe").orElse(d.probe());
        if (!PROBE_IMAGE.matcher(probe).matches()) {
            throw new ConfigException(s.key("probe"), probe, "an image name with a tag, e.g. library/alpine:3.19");
        }
        java.time.Duration interval = s.raw("interval").map(v -> Durations.parse(s.key("interval"), v)).orElse(d.interval());
        if (interval.compareTo(MIN_INTERVAL) < 0) {
            throw new ConfigException(s.key("interval"), s.raw("interval").orElseThrow(),
                    "a duration of at least " + Durations.format(MIN_INTERVAL));
        }
        java.time.Duration timeout = positive(s, "timeout", d.timeout());
        java.time.Duration slowAfter = positive(s, "slowAfter", d.slowAfter());
        if (slowAfter.compareTo(timeout) >= 0) {
            // A round that reaches the timeout is stalled, so a slowAfter at or above it could never be seen.
            if (s.raw("slowAfter").isPresent()) {
                throw new ConfigException(s.key("slowAfter"), s.raw("slowAfter").get(), "a duration below health.timeout ("
                        + Durations.format(timeout) + "): a round that reaches the timeout is stalled, never slow");
            }
            throw new ConfigException(s.key("timeout"), s.raw("timeout").orElseThrow(), "a duration above health.slowAfter ("
                    + Durations.format(slowAfter) + " by default), or a shorter slowAfter with it");
        }
        HealthConfig h = new HealthConfig(
                interval,
                probe,
                timeout,
                slowAfter,
                s.integer("rise", d.rise(), 1),
                s.integer("fall", d.fall(), 1),
                s.integer("deepEvery", d.deepEvery(), 1),
                positive(s, "throttleCooldown", d.throttleCooldown()));
        s.rejectUnknownKeys();
        return h;
    }

    private SelectionConfig selection(YamlSection s) {
        SelectionConfig d = SelectionConfig.DEFAULTS;
        String policyText = s.string("policy").orElse(d.policy().word());
        SelectionConfig.Policy policy = switch (policyText) {
            case "priority" -> SelectionConfig.Policy.PRIORITY;
            case "fastest" -> SelectionConfig.Policy.FASTEST;
            default -> throw new ConfigException(s.key("policy"), policyText, "priority or fastest");
        };
        var failbackAfter = s.raw("failbackAfter").map(v -> Durations.parse(s.key("failbackAfter"), v)).orElse(d.failbackAfter());
        double margin = s.string("margin").map(m -> percent(s.key("margin"), m)).orElse(d.margin());
        s.rejectUnknownKeys();
        return new SelectionConfig(policy, failbackAfter, margin);
    }

    private TimeoutsConfig timeouts(YamlSection s) {
        TimeoutsConfig d = TimeoutsConfig.DEFAULTS;
        TimeoutsConfig t = new TimeoutsConfig(
                positive(s, "connect", d.connect()),
                positive(s, "firstByte", d.firstByte()),
                positive(s, "idle", d.idle()),
                s.raw("minThroughput").map(v -> ByteRates.parse(s.key("minThroughput"), v))
                        .orElse(d.minThroughputBytesPerSecond()),
                positive(s, "throughputWindow", d.throughputWindow()));
        s.rejectUnknownKeys();
        return t;
    }

    private FailoverConfig failover(YamlSection s) {
        FailoverConfig f = new FailoverConfig(s.integer("tagNotFoundRetries", FailoverConfig.DEFAULTS.tagNotFoundRetries(), 0));
        s.rejectUnknownKeys();
        return f;
    }

    private CoalescingConfig coalescing(YamlSection s) {
        CoalescingConfig d = CoalescingConfig.DEFAULTS;
        boolean enabled = s.bool("enabled", d.enabled());
        Path spoolDir = s.string("spoolDir").map(dir -> {
            if (dir.isBlank()) {
                throw new ConfigException(s.key("spoolDir"), dir, "a directory path");
            }
            return Path.of(dir);
        }).orElse(d.spoolDir());
        long maxSpoolBytes = s.raw("maxSpoolBytes").map(v -> ByteSizes.parse(s.key("maxSpoolBytes"), v)).orElse(d.maxSpoolBytes());
        int maxSharedFetches = s.integer("maxSharedFetches", d.maxSharedFetches(), 1);
        s.rejectUnknownKeys();
        return new CoalescingConfig(enabled, spoolDir, maxSpoolBytes, maxSharedFetches);
    }

    private static java.time.Duration positive(YamlSection s, String name, java.time.Duration fallback) {
        java.time.Duration d = s.raw(name).map(v -> Durations.parse(s.key(name), v)).orElse(fallback);
        if (d.isZero()) {
            throw new ConfigException(s.key(name), Durations.format(d), "a duration above zero");
        }
        return d;
    }

    private static double percent(String key, String text) {
        try {
            double value = text.endsWith("%")
                    ? Double.parseDouble(text.substring(0, text.length() - 1)) / 100
                    : Double.parseDouble(text);
            // A challenger 100 % better would need no time at all: at 100 % or more the choice could never move.
            if (value >= 0 && value < 1) {
                return value;
            }
        } catch (NumberFormatException ignored) {
            // reported below
        }
        throw new ConfigException(key, text, "a percentage from 0% to below 100%, such as 20% (or a fraction such as 0.2)");
    }

    private static URI origin(String key, String text) {
        return Origins.parse(key, text);
    }

    private static Secret readSecret(String key, String file) {
        String password;
        try {
            password = Files.readString(Path.of(file)).strip();
        } catch (IOException e) {
            throw new ConfigException(key, file, "a readable file holding the password");
        }
        if (password.isEmpty()) {
            throw new ConfigException(key, file, "a file holding the password (this one is empty)");
        }
        return new Secret(password);
    }
}
