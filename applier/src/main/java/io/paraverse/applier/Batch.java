package io.paraverse.applier;

import io.paraverse.journal.JournalEntry;

import java.util.ArrayList;

/**
 * The apply thread's position in the journal and the ops buffered since the checkpoint, in journal order, with the
 * boundary up to which they form whole source transactions (what the next target commit covers). Apply thread only.
 */
final class Batch {
    /** Journal seq of the last target commit (the checkpoint this applier wrote or started from). */
    long checkpointSeq;
    /** Journal seq of the last entry taken in. */
    long lastSeenSeq;
    /** An entry above the checkpoint was taken in since the last reset. */
    boolean sawEntry;

    final ArrayList<PendingOp> buffer = new ArrayList<>();
    /** Ops in the buffer up to the last buffered source commit. */
    int boundary;
    JournalEntry.TxCommit boundaryCommit;
    /** When the oldest source commit of the batch was buffered (0: none). */
    long boundaryNanos;
    long pendingRows;
    long pendingTx;
    long boundaryRows;
    long boundaryTx;
    /** Part of the open target transaction was written already (a source transaction above the row limit). */
    boolean spilled;
    long spilledRowsWritten;
    /** State written with the ops (id maps, skip audits); its uncommitted changes go when the batch is dropped. */
    final java.util.List<BatchPart> parts = new java.util.ArrayList<>();

    /** Drops everything buffered; the next entry expected is the one after the checkpoint. */
    void reset() {
        buffer.clear();
        boundary = 0;
        boundaryCommit = null;
        boundaryNanos = 0;
        pendingRows = 0;
        pendingTx = 0;
        boundaryRows = 0;
        boundaryTx = 0;
        spilled = false;
        spilledRowsWritten = 0;
        lastSeenSeq = checkpointSeq;
        sawEntry = false;
        for (BatchPart p : parts) {
            p.discard();
        }
    }

    /** A source commit was taken in: the buffer up to here is whole source transactions. */
    void markCommit(JournalEntry.TxCommit c, long now) {
        pendingTx++;
        boundary = buffer.size();
        boundaryCommit = c;
        boundaryRows = pendingRows;
        boundaryTx = pendingTx;
        if (boundaryNanos == 0) {
            boundaryNanos = now;
        }
    }

    /** The ops up to the boundary were committed on the target, with the checkpoint at the boundary's commit. */
    void committed() {
        buffer.subList(0, boundary).clear();
        pendingRows -= boundaryRows;
        pendingTx -= boundaryTx;
        checkpointSeq = boundaryCommit.seq();
        boundary = 0;
        boundaryCommit = null;
        boundaryNanos = 0;
        spilled = false;
        spilledRowsWritten = 0;
    }

    /** The whole buffer (one open source transaction) was written into the open target transaction. */
    void spilled(long rowsWritten) {
        spilled = true;
        spilledRowsWritten += rowsWritten;
        buffer.clear();
        boundary = 0;
    }
}
