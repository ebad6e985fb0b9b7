package io.mirrorswitch.proxy.relay;

import java.util.Locale;

/** Why a whole-blob GET that could have been shared was streamed on its own (see {@link RelayListener#coalescingCapHit}). */
public enum CoalescingCap {
    /** {@code coalescing.maxSharedFetches} shared fetches were already in flight. */
    SHARED_FETCHES,
    /** The blob would have taken the spool files past {@code coalescing.maxSpoolBytes}. */
    SPOOL_BYTES,
    /** The spool directory could not take a new file (missing permission, read-only, ...). */
    SPOOL_UNAVAILABLE;

    /** Lower case, for metric tags and logs: {@code shared_fetches}, {@code spool_bytes}, {@code spool_unavailable}. */
    public String label() {
        return name().toLowerCase(Locale.ROOT);
    }
}
