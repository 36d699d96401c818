package io.paraverse.journal;

import io.paraverse.translator.Commit;

/**
 * Where a commit record ends on disk: readers may read up to {@code endOffset} of segment {@code segmentStart}
 * (and all of earlier segments).
 *
 * @param seq          the commit record's sequence number (0 before the first commit)
 * @param segmentStart first sequence number (file name) of the segment holding it
 * @param endOffset    file offset just past the commit record
 * @param commit       the commit itself; null before the first commit
 */
record DurablePoint(long seq, long segmentStart, long endOffset, Commit commit) {
}
