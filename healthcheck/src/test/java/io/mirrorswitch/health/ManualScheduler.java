package io.mirrorswitch.health;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.AbstractExecutorService;
import java.util.concurrent.Callable;
import java.util.concurrent.Delayed;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * A ScheduledExecutorService driven by a {@link MutableClock}: tasks run only when the test advances time, on
 * the test's thread, so scheduling is tested without sleeping. Only {@code schedule(Runnable, ...)} is used.
 */
final class ManualScheduler extends AbstractExecutorService implements ScheduledExecutorService {
    record Scheduled(Instant at, Duration delay, Runnable task, Handle handle) {
    }

    private final MutableClock clock;
    private final List<Scheduled> queue = new ArrayList<>();
    private final List<Duration> delays = new ArrayList<>();
    private boolean shutdown;

    ManualScheduler(MutableClock clock) {
        this.clock = clock;
    }

    /** Every delay ever asked for, in order. */
    synchronized List<Duration> delays() {
        return List.copyOf(delays);
    }

    synchronized int pending() {
        return (int) queue.stream().filter(s -> !s.handle.isCancelled()).count();
    }

    /** Runs the tasks due now (including ones they schedule for now). */
    void runDue() {
        while (true) {
            Scheduled next;
            synchronized (this) {
                next = queue.stream().filter(s -> !s.at.isAfter(clock.instant()))
                        .min(Comparator.comparing(Scheduled::at)).orElse(null);
                if (next == null) {
                    return;
                }
                queue.remove(next);
            }
            if (!next.handle.isCancelled()) {
                next.handle.done = true;
                next.task.run();
            }
        }
    }

    /** Moves the clock forward, running tasks in time order as their moment comes. */
    void advance(Duration d) {
        Instant end = clock.instant().plus(d);
        while (true) {
            Instant nextAt;
            synchronized (this) {
                nextAt = queue.stream().filter(s -> !s.handle.isCancelled()).map(Scheduled::at)
                        .filter(at -> !at.isAfter(end)).min(Comparator.naturalOrder()).orElse(null);
            }
            if (nextAt == null) {
                break;
            }
            if (nextAt.isAfter(clock.instant())) {
                clock.advance(Duration.between(clock.instant(), nextAt));
            }
            runDue();
        }
        clock.advance(Duration.between(clock.instant(), end));
    }

    @Override
    public synchronized ScheduledFuture<?> schedule(Runnable command, long delay, TimeUnit unit) {
        if (shutdown) {
            throw new java.util.concurrent.RejectedExecutionException("shut down");
        }
        Duration d = Duration.ofNanos(unit.toNanos(delay));
        Handle handle = new Handle(d);
        delays.add(d);
        queue.add(new Scheduled(clock.instant().plus(d), d, command, handle));
        return handle;
    }

    @Override
    public <V> ScheduledFuture<V> schedule(Callable<V> callable, long delay, TimeUnit unit) {
        throw new UnsupportedOperationException();
    }

    @Override
    public ScheduledFuture<?> scheduleAtFixedRate(Runnable command, long initialDelay, long period, TimeUnit unit) {
        throw new UnsupportedOperationException();
    }

    @Override
    public ScheduledFuture<?> scheduleWithFixedDelay(Runnable command, long initialDelay, long delay, TimeUnit unit) {
        throw new UnsupportedOperationException();
    }

    @Override
    public void execute(Runnable command) {
        schedule(command, 0, TimeUnit.MILLISECONDS);
    }

    @Override
    public synchronized void shutdown() {
        shutdown = true;
    }

    @Override
    public List<Runnable> shutdownNow() {
        shutdown();
        return List.of();
    }

    @Override
    public synchronized boolean isShutdown() {
        return shutdown;
    }

    @Override
    public boolean isTerminated() {
        return isShutdown();
    }

    @Override
    public boolean awaitTermination(long timeout, TimeUnit unit) {
        return true;
    }

    static final class Handle implements ScheduledFuture<Object> {
        private final Duration delay;
        private volatile boolean cancelled;
        private volatile boolean done;

        Handle(Duration delay) {
            this.delay = delay;
        }

        @Override
        public long getDelay(TimeUnit unit) {
            return unit.convert(delay.toNanos(), TimeUnit.NANOSECONDS);
        }

        @Override
        public int compareTo(Delayed o) {
            return Long.compare(getDelay(TimeUnit.NANOSECONDS), o.getDelay(TimeUnit.NANOSECONDS));
        }

        @Override
        public boolean cancel(boolean mayInterruptIfRunning) {
            if (done) {
                return false;
            }
            cancelled = true;
            return true;
        }

        @Override
        public boolean isCancelled() {
            return cancelled;
        }

        @Override
        public boolean isDone() {
            return done || cancelled;
        }

        @Override
        public Object get() {
            return null;
        }

        @Override
        public Object get(long timeout, TimeUnit unit) {
            return null;
        }
    }
}
