package io.mirrorswitch.harness.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * How busy the machine was, and how much of that was not the benchmark: busy CPU time from {@code /proc/stat}
 * minus the CPU time of this JVM and every process it started ({@code /proc/<pid>/stat}, children that exited
 * included through cutime/cstime). On a shared 2-core machine another build running during a case shows here.
 */
final class CpuMeter {
    private static final double TICKS_PER_SECOND = 100.0; // USER_HZ on Linux

    record Snapshot(long nanos, long busyTicks, long ourTicks) {
    }

    private CpuMeter() {
    }

    static Snapshot now() {
        return new Snapshot(System.nanoTime(), busyTicks(), ourTicks());
    }

    /** Share of the whole machine (all cores) used by other processes between two snapshots, 0..1. */
    static double foreignShare(Snapshot from, Snapshot to) {
        double seconds = (to.nanos() - from.nanos()) / 1e9;
        double capacity = seconds * TICKS_PER_SECOND * Runtime.getRuntime().availableProcessors();
        double foreign = (to.busyTicks() - from.busyTicks()) - (to.ourTicks() - from.ourTicks());
        return capacity <= 0 ? 0 : Math.max(0, foreign / capacity);
    }

    /** Share of the whole machine used by anything between two snapshots, 0..1. */
    static double busyShare(Snapshot from, Snapshot to) {
        double seconds = (to.nanos() - from.nanos()) / 1e9;
        double capacity = seconds * TICKS_PER_SECOND * Runtime.getRuntime().availableProcessors();
        return capacity <= 0 ? 0 : (to.busyTicks() - from.busyTicks()) / capacity;
    }

    private static long busyTicks() {
        try {
            String cpu = Files.readAllLines(Path.of("/proc/stat")).get(0);
            String[] f = cpu.trim().split("\\s+");
            long total = 0;
            for (int i = 1; i < f.length && i <= 8; i++) {
                total += Long.parseLong(f[i]);
            }
            long idle = Long.parseLong(f[4]) + Long.parseLong(f[5]);
            return total - idle;
        } catch (IOException | RuntimeException e) {
            return 0;
        }
    }

    private static long ourTicks() {
        List<ProcessHandle> ours = new ArrayList<>();
        ours.add(ProcessHandle.current());
        ProcessHandle.current().descendants().forEach(ours::add);
        long total = 0;
        for (ProcessHandle p : ours) {
            total += ticks(p.pid());
        }
        return total;
    }

    /** {user, system} CPU seconds used so far by a process and its live descendants. */
    static double[] userAndSystem(long pid) {
        List<Long> pids = new ArrayList<>();
        pids.add(pid);
        ProcessHandle.of(pid).ifPresent(h -> h.descendants().forEach(c -> pids.add(c.pid())));
        long user = 0;
        long system = 0;
        for (long p : pids) {
            long[] f = fields(p);
            user += f[0];
            system += f[1];
        }
        return new double[] {user / TICKS_PER_SECOND, system / TICKS_PER_SECOND};
    }

    private static long[] fields(long pid) {
        try {
            String stat = Files.readString(Path.of("/proc", Long.toString(pid), "stat"));
            String[] f = stat.substring(stat.lastIndexOf(')') + 2).split("\\s+");
            return new long[] {Long.parseLong(f[11]), Long.parseLong(f[12])};
        } catch (IOException | RuntimeException e) {
            return new long[] {0, 0};
        }
    }

    private static long ticks(long pid) {
        try {
            String stat = Files.readString(Path.of("/proc", Long.toString(pid), "stat"));
            String[] f = stat.substring(stat.lastIndexOf(')') + 2).split("\\s+");
            // after "(comm) ": f[0] = state (field 3), so utime (14) = f[11], stime f[12], cutime f[13], cstime f[14]
            return Long.parseLong(f[11]) + Long.parseLong(f[12]) + Long.parseLong(f[13]) + Long.parseLong(f[14]);
        } catch (IOException | RuntimeException e) {
            return 0;
        }
    }
}
