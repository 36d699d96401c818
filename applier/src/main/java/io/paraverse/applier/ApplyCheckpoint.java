package io.paraverse.applier;

import io.paraverse.translator.SourcePosition;

import java.time.Instant;

/**
 * What the target holds applied for one pipeline: everything in the journal up to and including
 * {@code journalSeq} (a source commit record), and nothing after it. Written in the same target transaction as
 * the ops it covers, so it is exact even after a crash.
 *
 * @param pipeline               the checkpoint row id
 * @param journalSeq             last applied journal record (a commit), 0 if nothing was applied yet
 * @param gtid                   GTID of the last applied source transaction (null if none)
 * @param gtidPosition           source GTID position after it, where capture would resume (null if none)
 * @param binlogFile             source binlog file of its commit event (null if none)
 * @param binlogPos              offset of its commit event (0 if none)
 * @param sourceCommitTimeMillis the source's commit time of that transaction (0 if none)
 * @param appliedAt              when the target committed it (null if none)
 */
public record ApplyCheckpoint(String pipeline, long journalSeq, String gtid, String gtidPosition, String binlogFile,
                              long binlogPos, long sourceCommitTimeMillis, Instant appliedAt) {

    /** The checkpoint of a pipeline that has applied nothing yet. */
    public static ApplyCheckpoint empty(String pipeline) {
        return new ApplyCheckpoint(pipeline, 0, null, null, null, 0, 0, null);
    }

    public boolean isEmpty() {
        return journalSeq == 0;
    }

    /** The source position of the last applied commit, or null if nothing was applied. */
    public SourcePosition position() {
        return binlogFile == null ? null : new SourcePosition(gtid, gtidPosition, binlogFile, binlogPos);
    }

    @Override
    public String toString() {
        return isEmpty() ? "checkpoint " + pipeline + " (nothing applied)"
                : "checkpoint " + pipeline + " at journal seq " + journalSeq + " (gtid " + gtid + ", position "
                + gtidPosition + ", " + binlogFile + ":" + binlogPos + ")";
    }
}
