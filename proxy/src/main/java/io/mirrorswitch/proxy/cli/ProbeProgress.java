package io.mirrorswitch.proxy.cli;

import io.mirrorswitch.health.ProbeResult;
import io.mirrorswitch.health.UpstreamProbe;
import java.io.PrintWriter;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.ConcurrentSkipListSet;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * Progress of a {@code probe} run on stderr, so stdout stays the table (or the JSON): one line per finished
 * mirror as it finishes, and every few seconds which mirrors are still being measured. A probe can take up to
 * {@code health.timeout}; silence for that long would look like a hang.
 */
final class ProbeProgress implements AutoCloseable {
    static final Duration TICK = Duration.ofSeconds(5);

    private final PrintWriter err;
    private final int total;
    /** Mirrors reported so far; counted and printed under the lock on {@code err}, so the counts print in order. */
    private int done;
    private final Set<String> waiting = new ConcurrentSkipListSet<>();
    private final long startNanos = System.nanoTime();
    private final ScheduledExecutorService ticker = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "probe-progress");
        t.setDaemon(true);
        return t;
    });

    ProbeProgress(PrintWriter err, int total) {
        this.err = err;
        this.total = total;
    }

    void started(String what) {
        say(what);
        ticker.scheduleAtFixedRate(this::tick, TICK.toMillis(), TICK.toMillis(), TimeUnit.MILLISECONDS);
    }

    /** {@code probe}, reporting each round as it starts and ends; {@code label} names a result's upstream. */
    UpstreamProbe around(UpstreamProbe probe, java.util.function.Function<String, String> label) {
        return (client, deep) -> {
            String name = label.apply(client.upstream().name());
            waiting.add(name);
            ProbeResult result = probe.probe(client, deep);
            waiting.remove(name);
            finished(name, result);
            return result;
        };
    }

    private void finished(String name, ProbeResult result) {
        String line = name + ": " + result.outcome().word() + " in " + Units.millis(result.total().toMillis());
        synchronized (err) {
            // Numbered where it is printed: a count taken before waiting for the output could print after a later one.
            done++;
            err.println("[" + done + "/" + total + "] " + line);
            err.flush();
        }
    }

    private void tick() {
        if (!waiting.isEmpty()) {
            long seconds = Duration.ofNanos(System.nanoTime() - startNanos).toSeconds();
            say("... still measuring " + String.join(", ", waiting) + " (" + seconds + " s)");
        }
    }

    private void say(String line) {
        synchronized (err) {
            err.println(line);
            err.flush();
        }
    }

    @Override
    public void close() {
        ticker.shutdownNow();
    }
}
