package io.paraverse.applier;

import io.paraverse.journal.JournalEntry;

import java.util.List;
import java.util.Set;

/**
 * Whole source transactions handed to a parallel apply worker: journal entries ({@code from}, {@code commit.seq()}]
 * as translated ops, and the write-set they have. One target transaction.
 */
final class WorkBatch {
    static final WorkBatch STOP = new WorkBatch(0, null, List.of(), Set.of(), 0, 0);

    final long from;
    final JournalEntry.TxCommit commit;
    /** The ops; dropped (null) once committed, while the batch waits for earlier ones to finish. */
    List<PendingOp> ops;
    /** The write-set; dropped (null) once committed. */
    Set<Object> keys;
    final long rows;
    final long transactions;
    int worker;
    /** Set by the worker before it hands the batch back. */
    volatile long rowsWritten;
    volatile RuntimeException failure;
    /** Coordinator only: committed, waiting for the batches before it to finish. */
    boolean done;

    WorkBatch(long from, JournalEntry.TxCommit commit, List<PendingOp> ops, Set<Object> keys, long rows, long transactions) {
        this.from = from;
        this.commit = commit;
        this.ops = ops;
        this.keys = keys;
        this.rows = rows;
        this.transactions = transactions;
    }

    long to() { return commit.seq(); }
}
