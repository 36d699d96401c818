package io.paraverse.applier;

import io.paraverse.translator.SourcePosition;
import io.paraverse.translator.TargetOp;

/** One translated op waiting in the batch, with where it came from (for compaction, replay and errors). */
final class PendingOp {
    static final byte UPSERT = 0;
    static final byte UPDATE = 1;
    static final byte DELETE = 2;

    final TargetOp op;
    /** {@link #UPSERT}, {@link #UPDATE} or {@link #DELETE}. */
    final byte kind;
    final boolean upsert;
    final Shape shape;
    /** Key identity (see {@link Values#key}). */
    final Object key;
    final long seq;
    final SourcePosition position;

    PendingOp(TargetOp op, Shape shape, Object key, long seq, SourcePosition position) {
        this.op = op;
        this.kind = op instanceof TargetOp.Upsert ? UPSERT : op instanceof TargetOp.Update ? UPDATE : DELETE;
        this.upsert = kind == UPSERT;
        this.shape = shape;
        this.key = key;
        this.seq = seq;
        this.position = position;
    }

    /** The values an upsert or update carries (in its table's column order). */
    java.util.List<Object> values() {
        return op instanceof TargetOp.Upsert u ? u.values() : ((TargetOp.Update) op).values();
    }

    /**
     * An update that follows an upsert of the same key and shape, as the one upsert that leaves the same row: the
     * update sets every non-key column of the shape, so the merged row is the update's values.
     */
    PendingOp asUpsert() {
        return new PendingOp(new TargetOp.Upsert(op.table(), values()), shape, key, seq, position);
    }
}
