package io.mirrorswitch.harness.bench;

/** What every case works with: the run's options, the seed data, the running testbed, the report and the log. */
record RunContext(BenchOptions options, SeedData seed, Testbed testbed, Report report, RunLog log) {
    SeedData.Sizes sizes() {
        return options.sizes();
    }
}
