package io.mirrorswitch.harness.bench;

/**
 * The CPU time (user + system) that the processes relaying for a target (nginx master and workers, a mirrorswitch
 * JVM) spend on one transfer, read from {@code /proc} before and after it. Direct has no proxy: it costs nothing.
 */
final class ProxyCpu {
    /**
     * What one transfer cost the proxy: CPU seconds per 10^9 bytes relayed (NaN when nothing was relayed: there is
     * no per-GB figure), and the system share of that time.
     */
    record Usage(double secondsPerGb, double systemShare) {
    }

    private final long pid;
    private final double[] before;

    private ProxyCpu(long pid, double[] before) {
        this.pid = pid;
        this.before = before;
    }

    /** Starts watching {@code pid} and its descendants; a pid ≤ 0 (direct) watches nothing. */
    static ProxyCpu watch(long pid) {
        return new ProxyCpu(pid, pid > 0 ? CpuMeter.userAndSystem(pid) : new double[2]);
    }

    /**
     * The cost since {@link #watch}, {@code bytesRelayed} being what the transfer moved; zeros for direct, NaN per GB
     * when {@code bytesRelayed} is 0.
     */
    Usage since(long bytesRelayed) {
        if (pid <= 0) {
            return new Usage(0, 0);
        }
        double[] after = CpuMeter.userAndSystem(pid);
        double user = after[0] - before[0];
        double system = after[1] - before[1];
        double perGb = bytesRelayed > 0 ? (user + system) / (bytesRelayed / 1e9) : Double.NaN;
        return new Usage(perGb, user + system <= 0 ? 0 : system / (user + system));
    }
}
