package io.mirrorswitch.harness.bench;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Bookkeeping of rounds shared by the cases. */
final class Rounds {
    private Rounds() {
    }

    /**
     * {@code items} rotated left by {@code by} places: each round measures the paths in a different order than the
     * round before, so no path always goes first (cold caches) or last (after the others heated the machine).
     */
    static <T> List<T> rotate(List<T> items, int by) {
        List<T> out = new ArrayList<>(items);
        Collections.rotate(out, Math.floorMod(-by, Math.max(1, out.size())));
        return out;
    }

    /** One empty series of per-round values for each target, keyed by label, in the targets' order. */
    static Map<String, List<Double>> perTarget(List<Target> targets) {
        Map<String, List<Double>> m = new LinkedHashMap<>();
        targets.forEach(t -> m.put(t.label(), new ArrayList<>()));
        return m;
    }
}
