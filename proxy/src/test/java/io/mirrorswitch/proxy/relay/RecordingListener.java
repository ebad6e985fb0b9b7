package io.mirrorswitch.proxy.relay;

import io.mirrorswitch.health.TrafficFault;
import io.mirrorswitch.proxy.route.RouteKind;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/** Keeps what the relay told its listener, in order. */
final class RecordingListener implements RelayListener {
    final List<Long> coalescedBytes = new CopyOnWriteArrayList<>();
    final List<CoalescingCap> capsHit = new CopyOnWriteArrayList<>();
    final List<String> digestMismatches = new CopyOnWriteArrayList<>();
    final List<String> resumes = new CopyOnWriteArrayList<>();

    @Override
    public void coalesced(String upstream, long bytes) {
        coalescedBytes.add(bytes);
    }

    @Override
    public void coalescingCapHit(CoalescingCap cap) {
        capsHit.add(cap);
    }

    @Override
    public void digestMismatch(RouteKind route, String upstream) {
        digestMismatches.add(upstream);
    }

    @Override
    public void resumed(String upstream, TrafficFault reason) {
        resumes.add(upstream + ":" + reason);
    }
}
