package io.paraverse.applier;

import io.paraverse.translator.SourcePosition;

/**
 * A snapshot of an applier's progress. Counters cover what the target has committed since this applier was
 * created (rows of a target transaction count once it commits).
 *
 * @param running                    a {@code run} loop is active
 * @param caughtUp                   the journal had nothing more and every complete source transaction read is committed
 * @param rowsApplied                source row changes committed on the target
 * @param transactions               source transactions committed on the target
 * @param targetCommits              target transactions committed (each covers one or more source transactions)
 * @param targetRowsWritten          rows written by statements after compaction (deletes + upserts)
 * @param rowsPerSecond              source row changes per second over the last few seconds
 * @param lastAppliedSeq             journal seq of the checkpoint
 * @param lastPosition               source position of the last applied commit (null if none)
 * @param lastSourceCommitTimeMillis source commit time of the last applied transaction (0 if none)
 * @param lagSeconds                 now − that commit time while the applier is behind; 0 when caught up, -1 if unknown (nothing applied yet)
 * @param retries                    transient errors retried
 * @param lastError                  the last error (retried or fatal), null if none
 */
public record ApplierStats(boolean running, boolean caughtUp, long rowsApplied, long transactions, long targetCommits,
                           long targetRowsWritten, double rowsPerSecond, long lastAppliedSeq,
                           SourcePosition lastPosition, long lastSourceCommitTimeMillis, double lagSeconds,
                           long retries, String lastError) {
}
