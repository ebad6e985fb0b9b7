package io.mirrorswitch.health;

import io.mirrorswitch.config.HealthConfig;
import io.mirrorswitch.upstream.UpstreamClient;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.DoubleSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Probes every upstream every {@code health.interval} (±10 % jitter, so upstreams and replicas do not probe in
 * lockstep) and feeds the results into the {@link HealthBoard}. Each upstream has its own chain of rounds: the
 * next round is scheduled when the previous one finished, so rounds of one upstream never overlap, and rounds
 * run on their own executor, so a slow upstream never delays another one or the proxy. The scheduler only
 * keeps time (its one other task tells the board, {@code health.timeout} after the start, not to wait for
 * missing first rounds any longer). The first round of every upstream starts immediately; a throttled upstream
 * is not probed again before its cooldown ends.
 */
public final class HealthChecker implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(HealthChecker.class);
    static final double JITTER = 0.10;

    private final HealthBoard board;
    private final UpstreamProbe probe;
    private final List<Chain> chains;
    private final ScheduledExecutorService scheduler;
    private final Executor rounds;
    private final ExecutorService ownedRounds;
    private final Clock clock;
    private final DoubleSupplier random;
    private volatile boolean stopped;
    private volatile ScheduledFuture<?> firstRoundsTimer;

    /**
     * @param clients   one client per upstream (see {@link Prober#probeHttp} for the HTTP client to build them on)
     * @param scheduler keeps time only; never runs a round
     * @param rounds    runs the rounds (they block on I/O); should allow one thread per upstream
     * @param random    values in [0, 1) for the jitter
     */
    public HealthChecker(HealthBoard board, UpstreamProbe probe, List<UpstreamClient> clients,
                         ScheduledExecutorService scheduler, Executor rounds, Clock clock, DoubleSupplier random) {
        this(board, probe, clients, scheduler, rounds, null, clock, random);
    }

    private HealthChecker(HealthBoard board, UpstreamProbe probe, List<UpstreamClient> clients,
                          ScheduledExecutorService scheduler, Executor rounds, ExecutorService ownedRounds, Clock clock,
                          DoubleSupplier random) {
        this.board = board;
        this.probe = probe;
        this.chains = clients.stream().map(Chain::new).toList();
        this.scheduler = scheduler;
        this.rounds = rounds;
        this.ownedRounds = ownedRounds;
        this.clock = clock;
        this.random = random;
    }

    /** The usual wiring: rounds on a pool of daemon threads owned (and stopped) by this checker. */
    public static HealthChecker create(HealthBoard board, UpstreamProbe probe, List<UpstreamClient> clients,
                                       ScheduledExecutorService scheduler, Clock clock) {
        ExecutorService pool = Executors.newCachedThreadPool(daemonThreads("probe"));
        return new HealthChecker(board, probe, clients, scheduler, pool, pool, clock,
                () -> ThreadLocalRandom.current().nextDouble());
    }

    /**
     * Starts the first round of every upstream now, and tells the board after {@code health.timeout} that the
     * first rounds still missing then (a hanging upstream) are not waited for any longer before its first choice.
     */
    public void start() {
        chains.forEach(c -> schedule(c, Duration.ZERO));
        try {
            firstRoundsTimer = scheduler.schedule(this::firstRoundsOverdue, board.healthConfig().timeout().toMillis(),
                    TimeUnit.MILLISECONDS);
        } catch (RejectedExecutionException e) {
            LOG.debug("no first-rounds timer: scheduler is shut down");
        }
    }

    private void firstRoundsOverdue() {
        if (!stopped) {
            board.firstRoundsOverdue();
        }
    }

    /** Cancels all pending rounds; a round in flight finishes (bounded by health.timeout) but is not recorded. */
    public void stop() {
        stopped = true;
        ScheduledFuture<?> timer = firstRoundsTimer;
        if (timer != null) {
            timer.cancel(false);
        }
        chains.forEach(c -> {
            ScheduledFuture<?> pending = c.pending;
            if (pending != null) {
                pending.cancel(false);
            }
        });
        if (ownedRounds != null) {
            ownedRounds.shutdown();
        }
    }

    @Override
    public void close() {
        stop();
    }

    /**
     * One deep round against every upstream at once, for the {@code probe} command: results in the order of
     * {@code clients}. Does not touch any board.
     */
    public static List<ProbeResult> probeAll(List<UpstreamClient> clients, UpstreamProbe probe, Executor executor) {
        List<CompletableFuture<ProbeResult>> running = clients.stream()
                .map(c -> CompletableFuture.supplyAsync(() -> probe.probe(c, true), executor))
                .toList();
        return running.stream().map(CompletableFuture::join).toList();
    }

    private void schedule(Chain chain, Duration delay) {
        if (stopped) {
            return;
        }
        try {
            chain.pending = scheduler.schedule(() -> launch(chain), delay.toMillis(), TimeUnit.MILLISECONDS);
        } catch (RejectedExecutionException e) {
            LOG.debug("health checks for {} end: scheduler is shut down", chain.name());
        }
    }

    private void launch(Chain chain) {
        try {
            rounds.execute(() -> round(chain));
        } catch (RejectedExecutionException e) {
            LOG.debug("health checks for {} end: round executor is shut down", chain.name());
        }
    }

    private void round(Chain chain) {
        if (stopped) {
            return;
        }
        HealthConfig health = board.healthConfig();
        Instant started = clock.instant();
        Duration cooldownLeft = cooldownLeft(chain, started);
        if (!cooldownLeft.isZero()) {
            schedule(chain, cooldownLeft);
            return;
        }
        boolean deep = chain.rounds.getAndIncrement() % Math.max(1, health.deepEvery()) == 0;
        try {
            ProbeResult result = probe.probe(chain.client, deep);
            if (stopped) {
                return;
            }
            LOG.debug("probe {}", result.summary());
            board.recordProbe(result);
        } catch (RuntimeException e) {
            LOG.error("health round for {} failed unexpectedly; next round as scheduled", chain.name(), e);
        }
        Duration elapsed = Duration.between(started, clock.instant());
        Duration next = jittered(health.interval()).minus(elapsed);
        Duration wait = next.isNegative() ? Duration.ZERO : next;
        Duration cooldown = cooldownLeft(chain, clock.instant());
        schedule(chain, cooldown.compareTo(wait) > 0 ? cooldown : wait);
    }

    private Duration cooldownLeft(Chain chain, Instant now) {
        return board.snapshot().upstream(chain.name())
                .flatMap(UpstreamHealth::cooldownUntil)
                .filter(now::isBefore)
                .map(until -> Duration.between(now, until))
                .orElse(Duration.ZERO);
    }

    /** interval × (1 ± JITTER). */
    Duration jittered(Duration interval) {
        double factor = 1 + (2 * random.getAsDouble() - 1) * JITTER;
        return Duration.ofMillis(Math.round(interval.toMillis() * factor));
    }

    private static java.util.concurrent.ThreadFactory daemonThreads(String prefix) {
        AtomicInteger n = new AtomicInteger();
        return r -> {
            Thread t = new Thread(r, prefix + "-" + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        };
    }

    /** One upstream's sequence of rounds. Touched by one round at a time; {@code pending} also by stop(). */
    private static final class Chain {
        final UpstreamClient client;
        final AtomicInteger rounds = new AtomicInteger();
        volatile ScheduledFuture<?> pending;

        Chain(UpstreamClient client) {
            this.client = client;
        }

        String name() {
            return client.upstream().name();
        }
    }
}
