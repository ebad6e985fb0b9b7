package io.mirrorswitch.config;

import java.nio.file.Path;

/**
 * Request coalescing: concurrent whole-blob GETs of the same digest share one upstream fetch, spooled to a
 * temporary file that every request reads at its own pace. Both caps bound what sharing may cost; a request
 * over either cap is streamed on its own, as without coalescing.
 *
 * @param spoolDir         where spool files live while a shared fetch has readers (created when missing)
 * @param maxSpoolBytes    disk the spool files may take together; a blob that would exceed it is not shared
 * @param maxSharedFetches shared fetches in flight at once (each has one producer thread)
 */
public record CoalescingConfig(boolean enabled, Path spoolDir, long maxSpoolBytes, int maxSharedFetches) {
    public static final Path DEFAULT_SPOOL_DIR = Path.of(System.getProperty("java.io.tmpdir"), "mirrorswitch-spool");

    public static final CoalescingConfig DEFAULTS = new CoalescingConfig(true, DEFAULT_SPOOL_DIR, 2L << 30, 64);
}
