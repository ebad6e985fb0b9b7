package io.mirrorswitch.harness.bench;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Locale;
import java.util.Random;

/**
 * How fast this machine's JDK computes SHA-256 on one core. mirrorswitch verifies every blob byte with SHA-256, so
 * this cost sets its throughput ceiling; the report shows it for every run. Measured in the driver's own JVM (same
 * JDK as mirrorswitch): a 64 KiB array hashed over and over, after a short warm-up so the intrinsic is compiled, for
 * about 1 GB or until a time cap, whichever comes first. The cost is this thread's CPU time, so a busy machine
 * slows the measurement down less than it would a wall-clock figure.
 */
final class Sha256Speed {
    private static final int CHUNK = 64 * 1024;
    private static final long TARGET_BYTES = 1_000_000_000L;
    private static final long WARM_UP_NANOS = 300_000_000L;
    private static final long CAP_NANOS = 1_500_000_000L;

    /** Bytes hashed and the CPU seconds (wall seconds where thread CPU time is unavailable) they took. */
    record Result(long bytes, double cpuSeconds) {
        double cpuSecondsPerGb() {
            return cpuSeconds / (bytes / 1e9);
        }

        double mbPerSecond() {
            return Stats.mb(bytes) / cpuSeconds;
        }

        /** The Machine table's cell: "X CPU-seconds per GB (Y MB/s)". */
        String cell() {
            return String.format(Locale.ROOT, "%.2f CPU-seconds per GB (%.0f MB/s)", cpuSecondsPerGb(), mbPerSecond());
        }
    }

    private Sha256Speed() {
    }

    static Result measure() throws NoSuchAlgorithmException {
        byte[] chunk = new byte[CHUNK];
        new Random(1).nextBytes(chunk);
        MessageDigest sha = MessageDigest.getInstance("SHA-256");
        long warmUpEnd = System.nanoTime() + WARM_UP_NANOS;
        while (System.nanoTime() < warmUpEnd) {
            sha.update(chunk);
        }
        sha.digest();
        ThreadMXBean threads = ManagementFactory.getThreadMXBean();
        boolean cpuClock = threads.isCurrentThreadCpuTimeSupported();
        long wallStart = System.nanoTime();
        long cpuStart = cpuClock ? threads.getCurrentThreadCpuTime() : wallStart;
        long bytes = 0;
        while (bytes < TARGET_BYTES && System.nanoTime() - wallStart < CAP_NANOS) {
            sha.update(chunk);
            bytes += CHUNK;
        }
        sha.digest();
        long cpuEnd = cpuClock ? threads.getCurrentThreadCpuTime() : System.nanoTime();
        return new Result(bytes, (cpuEnd - cpuStart) / 1e9);
    }
}
