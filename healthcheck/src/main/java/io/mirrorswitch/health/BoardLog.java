package io.mirrorswitch.health;

import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The board's log lines, written in the order of the changes they describe. A change queues its lines while it
 * still holds the board's write lock, so the queue is in publish order; they are written after the lock is
 * released, by whichever writer finds nobody else writing. So no writer waits for another's log I/O, and a
 * writer overtaken between publishing and logging ("selected a" published, then "switched a -> b" by a faster
 * thread) cannot write its older line after the newer one: the faster thread finds the older line queued first.
 */
final class BoardLog {
    /** Where the lines end up: SLF4J, or a test's recorder. */
    interface Lines {
        void write(boolean warn, String text);
    }

    private static final Logger LOG = LoggerFactory.getLogger(HealthBoard.class);
    static final Lines SLF4J = (warn, text) -> {
        if (warn) {
            LOG.warn("{}", text);
        } else {
            LOG.info("{}", text);
        }
    };

    private final Lines lines;
    private final Queue<BoardState.Notice> queued = new ConcurrentLinkedQueue<>();
    private final AtomicBoolean writing = new AtomicBoolean();

    BoardLog(Lines lines) {
        this.lines = lines;
    }

    /** Under the board's write lock, right when {@code change} is published. */
    void queue(BoardState.Transition change) {
        queued.addAll(change.notices());
        change.switched().ifPresent(event -> queued.add(new BoardState.Notice(false, event.line())));
    }

    /** Outside the lock: writes what is queued, unless another thread is writing (it then writes these too). */
    void drain() {
        // Re-checked after letting go: a line queued just before then would otherwise wait for the next change.
        while (!queued.isEmpty() && writing.compareAndSet(false, true)) {
            try {
                for (BoardState.Notice notice; (notice = queued.poll()) != null; ) {
                    lines.write(notice.warn(), notice.text());
                }
            } finally {
                writing.set(false);
            }
        }
    }
}
