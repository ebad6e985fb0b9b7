package io.mirrorswitch.harness.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What the report says about the SHA-256 ceiling, undefined CPU figures, case 5's labels and the raw file. */
class ReportTest {
    @TempDir
    Path dir;

    private BenchOptions options(Path raw) {
        return new BenchOptions(Path.of("mirrorswitch.jar"), dir.resolve("work"), dir.resolve("BENCHMARKS.md"), raw,
                true, "2,5", "abc1234");
    }

    @Test
    void quickRunReport() throws Exception {
        BenchOptions options = options(dir.resolve("elsewhere/raw.txt"));
        SeedData.Sizes sizes = options.sizes();
        Report report = new Report(options);
        report.setup("", List.of("-Xmx64m"), sizes);
        report.sha256(new Sha256Speed.Result(1_000_000_000L, 0.5));
        String small = MemoryAndStartupCase.blobsLabel(sizes.smallBytes());
        String big = MemoryAndStartupCase.blobsLabel(sizes.bigBytes());
        assertEquals("64 MB blobs", big);
        Map<String, List<Double>> peak = new LinkedHashMap<>();
        Map<String, List<Double>> after = new LinkedHashMap<>();
        peak.put(small, List.of(100.0));
        peak.put(big, List.of(101.0));
        after.put(small, List.of(90.0));
        after.put(big, List.of(91.0));
        report.caseFive(4, sizes.bigBytes(), small, big, peak, after, Stats.of(List.of(1.01)), Stats.of(List.of(500.0)));
        report.caseTwo(20, series("direct", 100.0, "nginx", 90.0, "mirrorswitch", 0.0),
                cpu(List.of(0.5, 0.6), new ArrayList<>(List.of(Double.NaN, 0.7))),
                Map.of("mirrorswitch", List.of(0.0)), Map.of("mirrorswitch", List.of(80.0)),
                series("direct", 0.0, "nginx", 0.0, "mirrorswitch", 20.0), Stats.of(List.of(80.0)),
                Stats.of(List.of(-0.25, 0.0)), List.of("mirrorswitch: given up"));
        report.write(1);
        String md = Files.readString(options.out());
        assertTrue(md.contains("| SHA-256, one core (JDK) | 0.50 CPU-seconds per GB (2000 MB/s) |"), md);
        assertTrue(md.contains("| peak RSS 64 MB blobs ÷ 1 MB blobs (same rep) |"), md);
        assertTrue(md.contains("either as 1 MB blobs ("), md);
        assertFalse(md.contains("512"), md);
        assertTrue(md.contains("| mirrorswitch | 0 | 0.70; — in 1 of 2 rounds (nothing received) |"), md);
        assertTrue(md.contains("\u22120.13 (\u22120.25–0.00)"), md);
        assertFalse(md.contains("Infinity") || md.contains("NaN"), md);
        assertTrue(md.contains("Raw per-round numbers of the last run: `" + dir.resolve("elsewhere/raw.txt") + "`"), md);
    }

    @Test
    void rawInsideTheRepositoryIsRelative() {
        Path repo = Path.of("").toAbsolutePath();
        while (!Files.exists(repo.resolve(".git"))) {
            repo = repo.getParent();
        }
        assertEquals("bench-out/raw.txt", options(repo.resolve("bench-out/raw.txt")).rawForReport());
        assertEquals("x/y/raw.txt", options(repo.resolve("x/y/raw.txt")).rawForReport());
        assertEquals("/elsewhere/raw.txt", options(Path.of("/elsewhere/raw.txt")).rawForReport());
    }

    private static Map<String, List<Double>> series(String k1, double v1, String k2, double v2, String k3, double v3) {
        Map<String, List<Double>> m = new LinkedHashMap<>();
        m.put(k1, List.of(v1));
        m.put(k2, List.of(v2));
        m.put(k3, List.of(v3));
        return m;
    }

    private static Map<String, List<Double>> cpu(List<Double> nginx, List<Double> mirrorswitch) {
        Map<String, List<Double>> m = new LinkedHashMap<>();
        m.put("nginx", nginx);
        m.put("mirrorswitch", mirrorswitch);
        return m;
    }
}
