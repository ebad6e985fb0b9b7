package io.mirrorswitch.proxy.cli;

import io.mirrorswitch.config.UpstreamConfig;
import io.mirrorswitch.health.ProbeEvidence;
import io.mirrorswitch.health.ProbeResult;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The results of one {@code probe} run, fastest first: mirrors that served the probe image (ok, slow) by total
 * time, then the failed ones (a refused connection is "fast" but useless) by total time. Renders as a table for
 * people or as a JSON-ready tree for machines.
 */
final class ProbeReport {
    static final int NOTE_WIDTH = 72;

    record Row(UpstreamConfig upstream, String label, ProbeResult result) {
    }

    private final String image;
    private final List<Row> rows;

    ProbeReport(String image, List<Row> rows) {
        this.image = image;
        this.rows = rows.stream().sorted(Comparator
                .comparing((Row r) -> !r.result().outcome().works())
                .thenComparing(r -> r.result().total())).toList();
    }

    List<Row> rows() {
        return rows;
    }

    boolean anyWorks() {
        return rows.stream().anyMatch(r -> r.result().outcome().works());
    }

    String table() {
        List<String[]> lines = new ArrayList<>();
        lines.add(new String[] {"MIRROR", "TOTAL", "TTFB", "THROUGHPUT", "OUTCOME", "NOTE"});
        for (Row row : rows) {
            ProbeResult r = row.result();
            lines.add(new String[] {
                    row.label(),
                    Units.millis(r.total().toMillis()),
                    r.timeToFirstByte().isZero() ? "-" : Units.millis(r.timeToFirstByte().toMillis()),
                    r.bytesPerSecond() > 0 ? Units.rate(r.bytesPerSecond()) : "-",
                    r.outcome().word(),
                    shorten(r.note())});
        }
        int[] width = new int[6];
        for (String[] line : lines) {
            for (int i = 0; i < line.length; i++) {
                width[i] = Math.max(width[i], line[i].length());
            }
        }
        StringBuilder out = new StringBuilder();
        for (String[] line : lines) {
            StringBuilder text = new StringBuilder();
            for (int i = 0; i < line.length; i++) {
                boolean number = i >= 1 && i <= 3;
                String cell = number ? " ".repeat(width[i] - line[i].length()) + line[i] : line[i];
                text.append(cell);
                if (i < line.length - 1) {
                    text.append(number ? "" : " ".repeat(width[i] - line[i].length())).append("  ");
                }
            }
            out.append(text.toString().stripTrailing()).append('\n');
        }
        return out.toString();
    }

    /** {@code {"image": ..., "results": [{name, url, outcome, works, totalMs, ttfbMs, ...}]}}. */
    Map<String, Object> json() {
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("image", image);
        out.put("results", rows.stream().map(ProbeReport::json).toList());
        return out;
    }

    private static Map<String, Object> json(Row row) {
        ProbeResult r = row.result();
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("name", row.upstream().name());
        out.put("url", row.upstream().origin());
        out.put("outcome", r.outcome().word());
        out.put("works", r.outcome().works());
        out.put("totalMs", r.total().toMillis());
        out.put("ttfbMs", r.timeToFirstByte().toMillis());
        out.put("bytes", r.bytes());
        out.put("bytesPerSecond", r.bytesPerSecond());
        out.put("note", r.note());
        out.put("retryAt", r.retryAt().map(Instant::toString).orElse(null));
        out.put("startedAt", r.startedAt().toString());
        out.put("evidence", evidence(r.evidence()));
        return out;
    }

    private static Map<String, Object> evidence(ProbeEvidence e) {
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("step", e.step());
        out.put("status", e.status().isPresent() ? e.status().getAsInt() : null);
        out.put("headers", new LinkedHashMap<>(e.headers()));
        out.put("error", e.error());
        return out;
    }

    static String shorten(String note) {
        String flat = note.replaceAll("\\s+", " ").strip();
        return flat.length() <= NOTE_WIDTH ? flat : flat.substring(0, NOTE_WIDTH - 3) + "...";
    }
}
