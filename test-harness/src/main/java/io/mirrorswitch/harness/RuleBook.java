package io.mirrorswitch.harness;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;

/**
 * The rules injected into one {@link FaultProxy}, with the uses each has left, and the choice of
 * faults for each request and answer (see {@link Fault} for the rules of that choice).
 *
 * <p>Choosing and using up happen under one lock, together with {@link #clear()}: a test that clears
 * and then sends a request can rely on that request passing, and a hold (blackhole, stall) started
 * before a clear is always released by it.
 */
final class RuleBook {

    /** A rule with its remaining uses; {@link Rule#ALWAYS} never runs out. */
    private static final class ActiveRule {
        final Rule rule;
        int remaining;

        ActiveRule(Rule rule) {
            this.rule = rule;
            this.remaining = rule.times();
        }

        boolean usable(String method, String target) {
            return remaining != 0 && rule.match().matches(method, target);
        }

        void use() {
            if (remaining > 0) {
                remaining--;
            }
        }
    }

    private final List<ActiveRule> rules = new ArrayList<>();
    private CountDownLatch holdRelease = new CountDownLatch(1);
    private boolean closed;

    synchronized void add(Rule rule) {
        rules.add(new ActiveRule(rule));
    }

    /** Forgets every rule and releases every held connection. */
    synchronized void clear() {
        rules.clear();
        holdRelease.countDown();
        holdRelease = new CountDownLatch(1);
    }

    /** As clear(), and holds started from now on end at once (the proxy is closing). */
    synchronized void close() {
        closed = true;
        rules.clear();
        holdRelease.countDown();
    }

    /** Rules that still have uses left, in injection order. */
    synchronized List<Rule> active() {
        return rules.stream().filter(r -> r.remaining != 0).map(r -> r.rule).toList();
    }

    synchronized RequestFaults forRequest(String method, String target, boolean hasRange) {
        for (ActiveRule active : rules) {
            Fault fault = active.rule.fault();
            boolean answers = fault instanceof Fault.Reset || fault instanceof Fault.Blackhole
                    || fault instanceof StatusFault;
            if (answers && active.usable(method, target)) {
                active.use();
                return new RequestFaults(fault, false, holdRelease, List.of(fault));
            }
        }
        if (hasRange) {
            for (ActiveRule active : rules) {
                if (active.rule.fault() instanceof Fault.IgnoreRange && active.usable(method, target)) {
                    active.use();
                    return new RequestFaults(null, true, holdRelease, List.of(active.rule.fault()));
                }
            }
        }
        return new RequestFaults(null, false, holdRelease, List.of());
    }

    synchronized BodyFaults forResponse(String method, String target, int status, BodyFraming framing) {
        if (status / 100 != 2) {
            return BodyFaults.NONE;
        }
        Fault cut = null;
        Fault.Trickle trickle = null;
        Fault.FlipByte flip = null;
        Fault.ReplaceBody replace = null;
        List<Fault> applied = new ArrayList<>();
        for (ActiveRule active : rules) {
            Fault fault = active.rule.fault();
            if (!active.usable(method, target) || !actsOn(fault, framing)) {
                continue;
            }
            boolean taken = true;
            if ((fault instanceof Fault.StallAfterBytes || fault instanceof Fault.TruncateAfterBytes) && cut == null) {
                cut = fault;
            } else if (fault instanceof Fault.Trickle t && trickle == null) {
                trickle = t;
            } else if (fault instanceof Fault.FlipByte f && flip == null) {
                flip = f;
            } else if (fault instanceof Fault.ReplaceBody r && replace == null) {
                replace = r;
            } else {
                taken = false; // not a body fault, or one of its kind already chosen
            }
            if (taken) {
                active.use();
                applied.add(fault);
            }
        }
        return applied.isEmpty() ? BodyFaults.NONE
                : new BodyFaults(cut, trickle, flip, replace, holdRelease, applied);
    }

    synchronized boolean isClosed() {
        return closed;
    }

    /**
     * Whether a body fault can act on an answer with this framing: offsets must fall inside a body
     * of known length, so e.g. a HEAD never uses up a stall. A substitute body applies even to HEAD.
     */
    private static boolean actsOn(Fault fault, BodyFraming framing) {
        if (fault instanceof Fault.ReplaceBody) {
            return true;
        }
        if (!framing.hasBody()) {
            return false;
        }
        long length = framing.knownLength();
        if (fault instanceof Fault.StallAfterBytes stall) {
            return length < 0 || stall.bytes() < length;
        }
        if (fault instanceof Fault.TruncateAfterBytes truncate) {
            return length < 0 || truncate.bytes() < length;
        }
        if (fault instanceof Fault.FlipByte flip) {
            return length < 0 || flip.offset() < length;
        }
        return fault instanceof Fault.Trickle;
    }
}
