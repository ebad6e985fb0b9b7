package io.mirrorswitch.harness.bench;

/** One case of the suite: measures its rounds, writes raw lines, and hands its figures to the report. */
interface BenchCase {
    void run() throws Exception;
}
