package io.paraverse.applier;

import io.paraverse.journal.JournalEntry;
import io.paraverse.translator.RowChange;
import io.paraverse.translator.SourcePosition;
import io.paraverse.translator.TargetOp;
import io.paraverse.translator.TargetTable;
import io.paraverse.translator.TranslationContext;
import io.paraverse.translator.Translator;

import java.util.Arrays;
import java.util.List;

/**
 * Turns a journal row into {@link PendingOp}s: runs the {@link Translator}, checks the values and keys of the ops
 * it returns, and attaches each op's {@link Shape}. Failures become {@link ApplyException}s naming the source row.
 * Apply thread only; runs once per row, so it allocates nothing beyond the ops themselves.
 */
final class RowTranslator {
    private final Translator translator;
    private final TranslationContext context;
    private final ShapeCache shapes;

    RowTranslator(Translator translator, TranslationContext context, ShapeCache shapes) {
        this.translator = translator;
        this.context = context;
        this.shapes = shapes;
    }

    /** Appends the ops for row {@code r} to {@code out}. */
    void translate(JournalEntry.Row r, List<PendingOp> out) {
        RowChange ch = r.change();
        List<TargetOp> ops;
        try {
            ops = translator.translate(ch, context);
        } catch (RuntimeException ex) {
            throw new ApplyException("translator " + translatorName() + " failed on " + ch.op() + " of source table",
                    ch.table().qualifiedName(), sourceKey(ch), r.seq(), ch.position(), ex, false);
        }
        if (ops == null) {
            throw new ApplyException("translator " + translatorName() + " returned null for " + ch.op() + " of source table",
                    ch.table().qualifiedName(), sourceKey(ch), r.seq(), ch.position(), null, false);
        }
        for (int i = 0, n = ops.size(); i < n; i++) {
            TargetOp op = ops.get(i);
            if (op == null) {
                throw new ApplyException("translator " + translatorName() + " returned a null op for " + ch.op()
                        + " of source table", ch.table().qualifiedName(), sourceKey(ch), r.seq(), ch.position(), null, false);
            }
            Shape shape = shapes.shape(op.table());
            out.add(new PendingOp(op, shape, validatedKey(op, shape, r.seq(), ch.position()), r.seq(), ch.position()));
        }
    }
    /** Checks value classes and that key values are present; returns the op's key identity. */
    private static Object validatedKey(TargetOp op, Shape shape, long seq, SourcePosition pos) {
        TargetTable t = op.table();
        if (op instanceof TargetOp.Upsert u) {
            List<Object> values = u.values();
            for (int c = 0, n = values.size(); c < n; c++) {
                Object v = values.get(c);
                try {
                    Values.check(v);
                } catch (Values.UnsupportedValueException e) {
                    throw new ApplyException("column " + t.columns().get(c) + ": " + e.getMessage(), t.qualifiedName(),
                            op.keyValues(), seq, pos, null, false);
                }
            }
            for (int k : shape.keyIndexes) {
                if (values.get(k) == null) {
                    throw new ApplyException("upsert with NULL in key column " + t.columns().get(k), t.qualifiedName(),
                            op.keyValues(), seq, pos, null, false);
                }
            }
            return Values.key(values, shape.keyIndexes);
        }
        List<Object> key = op.keyValues();
        for (int k = 0; k < key.size(); k++) {
            Object v = key.get(k);
            if (v == null) {
                throw new ApplyException("delete with NULL in key column " + t.key().get(k), t.qualifiedName(), key, seq,
                        pos, null, false);
            }
            try {
                Values.check(v);
            } catch (Values.UnsupportedValueException e) {
                throw new ApplyException("key column " + t.key().get(k) + ": " + e.getMessage(), t.qualifiedName(), key,
                        seq, pos, null, false);
            }
        }
        return Values.key(key);
    }

    private String translatorName() {
        String n = translator.name();
        return "'" + (n == null || n.isEmpty() ? translator.getClass().getName() : n) + "'";
    }

    private static List<Object> sourceKey(RowChange ch) {
        try {
            int[] idx = ch.table().keyIndexes();
            if (idx.length == 0) {
                return null;
            }
            Object[] k = new Object[idx.length];
            for (int i = 0; i < idx.length; i++) {
                k[i] = ch.latest(idx[i]);
            }
            return Arrays.asList(k);
        } catch (RuntimeException e) {
            return null;
        }
    }
}
