package io.mirrorswitch.health;

/**
 * Told about every switch of the active upstream, after the new snapshot is published (e.g. to count switches
 * in metrics). Called on the thread that made the change; must be quick and must not call back into writes.
 */
@FunctionalInterface
public interface SwitchListener {
    void switched(SwitchEvent event, HealthSnapshot snapshot);
}
