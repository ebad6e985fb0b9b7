package io.mirrorswitch.health;

import io.mirrorswitch.config.HealthConfig;
import io.mirrorswitch.config.MirrorswitchConfig;
import io.mirrorswitch.config.SelectionConfig;
import io.mirrorswitch.config.UpstreamConfig;
import java.time.Clock;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Where probe results and traffic reports meet the selection policy. Writers are serialized on a private lock
 * that is never held across I/O (a write is a pure computation, see {@link BoardState}); readers, including
 * every proxied request calling {@link #candidates()}, only read an {@link AtomicReference} and never block.
 * A change's log lines are queued in publish order under the lock and written after it, in that order (see
 * {@link BoardLog}); listeners run after the new state is published, outside the lock.
 */
public final class HealthBoard implements UpstreamSelector {
    private static final Logger LOG = LoggerFactory.getLogger(HealthBoard.class);

    private final Clock clock;
    private final Object writeLock = new Object();
    private final AtomicReference<BoardState> state;
    private final List<SwitchListener> listeners = new CopyOnWriteArrayList<>();
    private final BoardLog log;

    public HealthBoard(List<UpstreamConfig> upstreams, HealthConfig health, SelectionConfig selection, Clock clock) {
        this(upstreams, health, selection, clock, BoardLog.SLF4J);
    }

    /** @param lines where the log lines go (tests record them) */
    HealthBoard(List<UpstreamConfig> upstreams, HealthConfig health, SelectionConfig selection, Clock clock,
                BoardLog.Lines lines) {
        if (upstreams.isEmpty()) {
            throw new IllegalArgumentException("health board: at least one upstream is required");
        }
        this.clock = clock;
        this.log = new BoardLog(lines);
        this.state = new AtomicReference<>(BoardState.initial(upstreams, health, selection, clock.instant()));
    }

    public static HealthBoard of(MirrorswitchConfig config, Clock clock) {
        return new HealthBoard(config.upstreams(), config.health(), config.selection(), clock);
    }

    /** Feeds one probe round's result into the upstream's state and re-decides the active upstream. */
    public void recordProbe(ProbeResult result) {
        apply(s -> s.withProbe(result, clock.instant()));
    }

    /** Passive detection: failures only. Ejects per the same rules as probes; only good probes bring it back. */
    @Override
    public void report(TrafficReport report) {
        apply(s -> s.withTraffic(report, clock.instant()));
    }

    /**
     * Live reload: upstreams whose name and url survive keep their health, new ones and those whose url changed
     * start unknown; a changed {@code health.probe} makes every upstream's next round decide at once.
     */
    public void replaceUpstreams(List<UpstreamConfig> upstreams, HealthConfig health, SelectionConfig selection) {
        if (upstreams.isEmpty()) {
            throw new IllegalArgumentException("health board: at least one upstream is required");
        }
        apply(s -> s.withUpstreams(upstreams, health, selection, clock.instant()));
    }

    /**
     * The checker's timer, {@code health.timeout} after it started: the first choice stops waiting for first
     * rounds that have not come in (a hanging upstream) and is made with what is known. Idempotent.
     */
    public void firstRoundsOverdue() {
        apply(s -> s.firstRoundsOverdue(clock.instant()));
    }

    public HealthSnapshot snapshot() {
        return state.get().snapshot();
    }

    @Override
    public List<UpstreamConfig> candidates() {
        return state.get().candidates();
    }

    /** The configured upstreams in priority order, as the board currently knows them. */
    public List<UpstreamConfig> upstreams() {
        return state.get().configs();
    }

    /** The health settings in force (interval, rise, fall, ...), for the checker. */
    public HealthConfig healthConfig() {
        return state.get().health();
    }

    public void addSwitchListener(SwitchListener listener) {
        listeners.add(listener);
    }

    private void apply(Function<BoardState, BoardState.Transition> change) {
        BoardState.Transition t;
        synchronized (writeLock) {
            t = change.apply(state.get());
            state.set(t.next());
            log.queue(t);
        }
        log.drain();
        t.switched().ifPresent(event -> {
            HealthSnapshot published = t.next().snapshot();
            for (SwitchListener listener : listeners) {
                try {
                    listener.switched(event, published);
                } catch (RuntimeException e) {
                    LOG.warn("switch listener {} failed on '{}': {}", listener, event.line(), e.toString());
                }
            }
        });
    }
}
