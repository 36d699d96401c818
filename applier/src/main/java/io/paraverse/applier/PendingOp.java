package io.paraverse.applier;

import io.paraverse.translator.SourcePosition;
import io.paraverse.translator.TargetOp;

/** One translated op waiting in the batch, with where it came from (for compaction, replay and errors). */
final class PendingOp {
    final TargetOp op;
    final boolean upsert;
    final Shape shape;
    /** Key identity (see {@link Values#key}). */
    final Object key;
    final long seq;
    final SourcePosition position;

    PendingOp(TargetOp op, Shape shape, Object key, long seq, SourcePosition position) {
        this.op = op;
        this.upsert = op instanceof TargetOp.Upsert;
        this.shape = shape;
        this.key = key;
        this.seq = seq;
        this.position = position;
    }
}
