package io.paraverse.applier;

import java.util.List;

/**
 * Journal ranges (from, to] committed above the checkpoint by parallel workers before a restart (see
 * {@link ParallelApply}): their entries are already on the target and are skipped when read again. Sorted by from.
 */
final class CommittedRanges {
    static final CommittedRanges NONE = new CommittedRanges(List.of());

    private final List<long[]> ranges;

    CommittedRanges(List<long[]> ranges) {
        this.ranges = List.copyOf(ranges);
    }

    /** Whether journal entry {@code seq} is in a committed range. */
    boolean contains(long seq) {
        for (long[] r : ranges) {
            if (seq > r[0] && seq <= r[1]) {
                return true;
            }
            if (r[0] >= seq) {
                return false;
            }
        }
        return false;
    }

    boolean isEmpty() { return ranges.isEmpty(); }
}
