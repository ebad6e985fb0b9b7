package io.mirrorswitch.config;

import java.math.BigDecimal;
import java.math.MathContext;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.yaml.snakeyaml.DumperOptions;
import org.yaml.snakeyaml.Yaml;

/**
 * The effective configuration as YAML, every default filled in and every secret masked, for
 * {@code mirrorswitch check-config}. Without inline or {@code ${ENV}} passwords the text reads back to an equal
 * config, so an operator can start from it. A password given inline or through {@code ${ENV}} is printed as
 * {@code '******'} (the variable's name is not kept once it is substituted); one read from a file is shown as
 * {@code passwordFile: <path>}, since the path is not secret and says where the password comes from.
 */
public final class ConfigPrinter {
    public static final String MASK = "******";

    private ConfigPrinter() {
    }

    public static String yaml(MirrorswitchConfig config) {
        DumperOptions options = new DumperOptions();
        options.setDefaultFlowStyle(DumperOptions.FlowStyle.BLOCK);
        options.setIndent(2);
        options.setIndicatorIndent(2);
        options.setIndentWithIndicator(true);
        options.setSplitLines(false);
        return new Yaml(options).dump(tree(config));
    }

    /** The config as plain maps and lists in the file's key order. */
    static Map<String, Object> tree(MirrorswitchConfig c) {
        Map<String, Object> root = new LinkedHashMap<>();
        root.put("listen", c.listen().toString());
        root.put("admin", c.admin().toString());
        c.publicUrl().ifPresent(u -> root.put("publicUrl", u.toString()));
        root.put("upstreams", upstreams(c.upstreams()));
        root.put("health", health(c.health()));
        root.put("selection", selection(c.selection()));
        root.put("timeouts", timeouts(c.timeouts()));
        root.put("failover", Map.of("tagNotFoundRetries", c.failover().tagNotFoundRetries()));
        root.put("coalescing", coalescing(c.coalescing()));
        return root;
    }

    private static List<Map<String, Object>> upstreams(List<UpstreamConfig> upstreams) {
        return upstreams.stream().map(u -> {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("name", u.name());
            m.put("url", u.url().toString());
            m.put("priority", u.priority());
            u.username().ifPresent(name -> m.put("username", name));
            if (u.passwordFile().isPresent()) {
                m.put("passwordFile", u.passwordFile().get().toString());
            } else {
                u.password().ifPresent(secret -> m.put("password", MASK));
            }
            return m;
        }).toList();
    }

    private static Map<String, Object> health(HealthConfig h) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("interval", Durations.format(h.interval()));
        m.put("probe", h.probe());
        m.put("timeout", Durations.format(h.timeout()));
        m.put("slowAfter", Durations.format(h.slowAfter()));
        m.put("rise", h.rise());
        m.put("fall", h.fall());
        m.put("deepEvery", h.deepEvery());
        m.put("throttleCooldown", Durations.format(h.throttleCooldown()));
        return m;
    }

    private static Map<String, Object> selection(SelectionConfig s) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("policy", s.policy().word());
        m.put("failbackAfter", Durations.format(s.failbackAfter()));
        m.put("margin", percent(s.margin()));
        return m;
    }

    private static Map<String, Object> timeouts(TimeoutsConfig t) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("connect", Durations.format(t.connect()));
        m.put("firstByte", Durations.format(t.firstByte()));
        m.put("idle", Durations.format(t.idle()));
        m.put("minThroughput", ByteRates.format(t.minThroughputBytesPerSecond()));
        m.put("throughputWindow", Durations.format(t.throughputWindow()));
        return m;
    }

    private static Map<String, Object> coalescing(CoalescingConfig c) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("enabled", c.enabled());
        m.put("spoolDir", c.spoolDir().toString());
        m.put("maxSpoolBytes", ByteSizes.format(c.maxSpoolBytes()));
        m.put("maxSharedFetches", c.maxSharedFetches());
        return m;
    }

    /** 0.2 as {@code 20%}; the loader reads it back to the same fraction. */
    static String percent(double fraction) {
        // 99.9% is read as 99.9 / 100 = 0.9990000000000001; twelve significant digits give back what was written.
        return BigDecimal.valueOf(fraction).movePointRight(2).round(new MathContext(12)).stripTrailingZeros().toPlainString() + "%";
    }
}
