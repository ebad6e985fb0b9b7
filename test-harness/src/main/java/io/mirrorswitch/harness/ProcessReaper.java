package io.mirrorswitch.harness;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Last line of defence against leaked processes: a JVM does not kill its children when it exits, so a
 * test that forgets close() (or a JVM that is shut down mid-test) would leave registries listening.
 * Processes are registered while they run and force-killed from a shutdown hook.
 */
final class ProcessReaper {

    private static final Set<Process> LIVE = ConcurrentHashMap.newKeySet();

    static {
        Runtime.getRuntime().addShutdownHook(new Thread(() -> LIVE.forEach(Process::destroyForcibly),
                "mirrorswitch-harness-reaper"));
    }

    private ProcessReaper() {
    }

    static void register(Process process) {
        LIVE.add(process);
    }

    static void unregister(Process process) {
        LIVE.remove(process);
    }
}
