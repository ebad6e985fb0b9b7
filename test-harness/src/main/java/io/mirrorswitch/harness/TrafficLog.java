package io.mirrorswitch.harness;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;

/**
 * What went through one {@link FaultProxy}: the requests with their outcomes, body byte counts and
 * accepted connections, plus a human-readable log file for diagnosing a failed test afterwards.
 */
final class TrafficLog {

    private final Path logFile;
    private final List<RelayedRequest> requests = new ArrayList<>();
    private final LongAdder bodyBytesFromTarget = new LongAdder();
    private final LongAdder bodyBytesToClient = new LongAdder();
    private final AtomicInteger connections = new AtomicInteger();

    TrafficLog(Path logFile) {
        this.logFile = logFile;
    }

    Path logFile() {
        return logFile;
    }

    void record(RelayedRequest request) {
        synchronized (requests) {
            requests.add(request);
            requests.notifyAll();
        }
        log(request.toString());
    }

    List<RelayedRequest> requests() {
        synchronized (requests) {
            return List.copyOf(requests);
        }
    }

    int count(Match match) {
        synchronized (requests) {
            return (int) requests.stream().filter(r -> r.matches(match)).count();
        }
    }

    /** Waits until at least {@code count} recorded requests match; false on timeout. */
    boolean await(Match match, int count, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        synchronized (requests) {
            while (requests.stream().filter(r -> r.matches(match)).count() < count) {
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    return false;
                }
                TimeUnit.NANOSECONDS.timedWait(requests, left);
            }
            return true;
        }
    }

    void addFromTarget(long bytes) {
        bodyBytesFromTarget.add(bytes);
    }

    void addToClient(long bytes) {
        bodyBytesToClient.add(bytes);
    }

    void connectionAccepted() {
        connections.incrementAndGet();
    }

    long bodyBytesFromTarget() {
        return bodyBytesFromTarget.sum();
    }

    long bodyBytesToClient() {
        return bodyBytesToClient.sum();
    }

    int connectionsAccepted() {
        return connections.get();
    }

    void reset() {
        synchronized (requests) {
            requests.clear();
        }
        bodyBytesFromTarget.reset();
        bodyBytesToClient.reset();
        connections.set(0);
        log("counters reset");
    }

    synchronized void log(String line) {
        try {
            Files.writeString(logFile, Instant.now() + " " + line + "\n", StandardCharsets.UTF_8,
                    StandardOpenOption.CREATE, StandardOpenOption.APPEND);
        } catch (IOException ignored) {
            // The log is a diagnostic aid; failing to write it must not fail a relayed request.
        }
    }
}
