package io.mirrorswitch.proxy.metrics;

import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Reads sample values out of a Prometheus text exposition, for tests. */
public final class PrometheusText {
    private PrometheusText() {
    }

    /** The value of the one sample line with exactly this name and label set (labels in any order). */
    public static Optional<Double> sample(String text, String name, String... labelPairs) {
        Pattern line = Pattern.compile("^" + Pattern.quote(name) + "(\\{[^}]*})? (\\S+)$", Pattern.MULTILINE);
        Matcher m = line.matcher(text);
        while (m.find()) {
            String labels = m.group(1) == null ? "" : m.group(1);
            int count = labels.isEmpty() ? 0 : labels.split("\",").length;
            boolean all = count == labelPairs.length / 2;
            for (int i = 0; i < labelPairs.length && all; i += 2) {
                all = labels.contains(labelPairs[i] + "=\"" + labelPairs[i + 1] + "\"");
            }
            if (all) {
                return Optional.of(Double.parseDouble(m.group(2)));
            }
        }
        return Optional.empty();
    }
}
