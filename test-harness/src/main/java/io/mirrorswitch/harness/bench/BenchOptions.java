package io.mirrorswitch.harness.bench;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * Everything a run can be told, as {@code bench.*} system properties (set by {@code scripts/bench});
 * {@code -Dbench.quick=true} shrinks sizes for a smoke test. A few knobs for single cases (rounds, variants) are
 * read where they are used.
 */
record BenchOptions(Path jar, Path work, Path out, Path raw, boolean quick, String cases, String commit) {
    static BenchOptions fromSystemProperties() {
        return new BenchOptions(
                Path.of(System.getProperty("bench.jar", "proxy/target/mirrorswitch.jar")).toAbsolutePath(),
                Path.of(System.getProperty("bench.work", "/tmp/mirrorswitch-bench")).toAbsolutePath(),
                Path.of(System.getProperty("bench.out", "BENCHMARKS.md")).toAbsolutePath(),
                Path.of(System.getProperty("bench.raw", "bench-out/raw.txt")).toAbsolutePath(),
                Boolean.getBoolean("bench.quick"),
                System.getProperty("bench.cases", "1,2,3,4,5"),
                System.getProperty("bench.commit", "unknown"));
    }

    /** Whether case {@code n} was selected ({@code bench.cases}, comma-separated numbers). */
    boolean runs(int n) {
        return List.of(cases.split(",")).contains(Integer.toString(n));
    }

    /** The seed data's sizes: the cases of issue 6, or small ones in quick mode. */
    SeedData.Sizes sizes() {
        return quick
                ? new SeedData.Sizes(64_000_000, 20, 4_000_000, 16, 1_000_000, 5, 4_000_000)
                : new SeedData.Sizes(512_000_000, 200, 20_000_000, 64, 1_000_000, 5, 20_000_000);
    }

    /**
     * The raw file's path as the report prints it: relative to the repository (the nearest directory holding
     * {@code .git} above the working directory, which {@code scripts/bench} sets to the repository root) when it
     * lies inside it, else absolute.
     */
    String rawForReport() {
        Path cwd = Path.of("").toAbsolutePath();
        Path repo = cwd;
        while (repo != null && !Files.exists(repo.resolve(".git"))) {
            repo = repo.getParent();
        }
        Path root = repo == null ? cwd : repo;
        Path file = raw.normalize();
        return file.startsWith(root) ? root.relativize(file).toString() : file.toString();
    }

    /** Where mirrorswitch instances keep their configs and logs. */
    Path mirrorswitchDir() {
        return work.resolve("mirrorswitch");
    }
}
