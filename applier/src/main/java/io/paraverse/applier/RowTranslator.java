package io.paraverse.applier;

import io.paraverse.journal.JournalEntry;
import io.paraverse.translator.RowChange;
import io.paraverse.translator.TargetOp;
import io.paraverse.translator.TargetTable;
import io.paraverse.translator.Translator;

import java.util.Arrays;
import java.util.List;

/**
 * Turns a journal row into {@link PendingOp}s: runs the {@link Translator}, checks the values and keys of the ops
 * it returns and that their target tables exist and fit (once per table shape), and attaches each op's
 * {@link Shape}. Every failure is an {@link ApplyException} naming the source transaction (GTID, binlog
 * position), source table and key, the translator and the cause, so it is raised before any op of that source
 * transaction reaches the target. Apply thread only; runs once per row, so it allocates nothing beyond the ops.
 */
final class RowTranslator {
    private final Translator translator;
    private final PersistentContext context;
    private final ShapeCache shapes;
    private final TargetReader reader;
    private final String pipeline;

    RowTranslator(Translator translator, PersistentContext context, ShapeCache shapes, TargetReader reader,
                  String pipeline) {
        this.translator = translator;
        this.context = context;
        this.shapes = shapes;
        this.reader = reader;
        this.pipeline = pipeline;
    }

    /** Appends the ops for row {@code r} to {@code out}; on failure appends nothing. */
    void translate(JournalEntry.Row r, List<PendingOp> out) {
        RowChange ch = r.change();
        List<TargetOp> ops;
        context.beginRow(r.seq());
        try {
            ops = translator.translate(ch, context);
        } catch (ApplyException | ReplayFromCheckpoint | TransientFailure e) {
            throw e; // the context's reads and flushes fail as the applier's own, not as the translator's
        } catch (RuntimeException ex) {
            throw fail(r, "translator " + translatorName(r.change()) + " failed", ex);
        }
        if (ops == null) {
            throw fail(r, "translator " + translatorName(r.change()) + " returned null", null);
        }
        int start = out.size();
        try {
            for (int i = 0, n = ops.size(); i < n; i++) {
                TargetOp op = ops.get(i);
                if (op == null) {
                    throw fail(r, "translator " + translatorName(r.change()) + " returned a null op", null);
                }
                Shape shape = shapes.shape(op.table());
                Object key = validatedKey(r, op, shape);
                if (!shape.checked()) {
                    String problem = reader.read("the metadata of target table " + shape.phys.qualified,
                            s -> shape.check(s.connection));
                    if (problem != null) {
                        throw fail(r, "cannot apply an op of translator " + translatorName(r.change()) + ": " + problem, null);
                    }
                }
                out.add(new PendingOp(op, shape, key, r.seq(), ch.position()));
            }
        } catch (RuntimeException e) {
            out.subList(start, out.size()).clear();
            throw e;
        }
    }

    /** Checks value classes and that key values are present; returns the op's key identity. */
    private Object validatedKey(JournalEntry.Row r, TargetOp op, Shape shape) {
        TargetTable t = op.table();
        String what = op instanceof TargetOp.Upsert ? "upsert" : op instanceof TargetOp.Update ? "update" : "delete";
        if (!(op instanceof TargetOp.Delete)) {
            List<Object> values = op instanceof TargetOp.Upsert u ? u.values() : ((TargetOp.Update) op).values();
            for (int c = 0, n = values.size(); c < n; c++) {
                try {
                    Values.check(values.get(c));
                } catch (Values.UnsupportedValueException e) {
                    throw fail(r, "translator " + translatorName(r.change()) + " returned an op: " + what + " of target table " + t.qualifiedName() + " key " + Values.render(op.keyValues())
                            + ", column " + t.columns().get(c) + ": " + e.getMessage(), null);
                }
            }
            for (int k : shape.keyIndexes) {
                if (values.get(k) == null) {
                    throw fail(r, "translator " + translatorName(r.change()) + " returned an op: " + what + " of target table " + t.qualifiedName() + " with NULL in key column "
                            + t.columns().get(k), null);
                }
            }
            return Values.key(values, shape.keyIndexes);
        }
        List<Object> key = op.keyValues();
        for (int k = 0; k < key.size(); k++) {
            Object v = key.get(k);
            if (v == null) {
                throw fail(r, "translator " + translatorName(r.change()) + " returned an op: " + what + " of target table " + t.qualifiedName() + " with NULL in key column " + t.key().get(k),
                        null);
            }
            try {
                Values.check(v);
            } catch (Values.UnsupportedValueException e) {
                throw fail(r, "translator " + translatorName(r.change()) + " returned an op: " + what + " of target table " + t.qualifiedName() + ", key column " + t.key().get(k) + ": "
                        + e.getMessage(), null);
            }
        }
        return Values.key(key);
    }

    /** An error naming the source row (table, key, journal seq, GTID and binlog position) and how to skip it. */
    private SourceRowException fail(JournalEntry.Row r, String problem, Throwable cause) {
        RowChange ch = r.change();
        String gtid = ch.transactionId();
        return new SourceRowException(problem + " on " + ch.op() + " of source table", ch.table().qualifiedName(),
                sourceKey(ch), r.seq(), ch.position(), cause,
                "nothing of source transaction " + gtid + " was applied; after fixing the cause start again, or skip"
                        + " that transaction (audited): paraverse skip " + pipeline + " --gtid " + gtid
                        + " --reason \"...\" (a pipeline of paraverse replicate: paraverse skip --name " + pipeline
                        + " --gtid " + gtid + " --target HOST:PORT --target-user U ... --reason \"...\")", plainName(handling(ch)));
    }

    /** The translator that handles {@code change}'s table: through a chain, the one it routes the table to. */
    private Translator handling(RowChange change) {
        if (change != null && translator instanceof io.paraverse.translator.TranslatorChain chain) {
            Translator t = chain.translatorFor(change.table().schema(), change.table().table());
            if (t != null) {
                return t;
            }
        }
        return translator;
    }

    String translatorName(RowChange change) {
        return "'" + plainName(handling(change)) + "'";
    }

    private static String plainName(Translator t) {
        String n = t.name();
        return n == null || n.isEmpty() ? t.getClass().getName() : n;
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
