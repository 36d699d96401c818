package io.paraverse.translator.testkit;

import io.paraverse.translator.RowChange;
import io.paraverse.translator.TargetOp;
import io.paraverse.translator.TargetTable;
import io.paraverse.translator.Translator;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

import static org.junit.jupiter.api.Assertions.fail;

/**
 * Runs a translator the way the applier does, against an {@link InMemoryContext}: each change is translated, its
 * ops are checked as the applier would check them (value classes of the change model, no NULL in a key) and then
 * applied to the in-memory target, so the next change's lookups see them.
 * <pre>{@code
 * TranslatorRunner run = TranslatorRunner.of(new SplitCustomerTranslator());
 * run.expect(customers.insert(1, "Ann", "Oslo"), Ops.upsert(CUSTOMER, 1, "Ann"), Ops.upsert(ADDRESS, 1, 1, "Oslo"));
 * }</pre>
 */
public final class TranslatorRunner {
    private final Translator translator;
    private final InMemoryContext context;

    private TranslatorRunner(Translator translator, InMemoryContext context) {
        this.translator = Objects.requireNonNull(translator, "translator");
        this.context = Objects.requireNonNull(context, "context");
    }

    public static TranslatorRunner of(Translator translator) {
        return new TranslatorRunner(translator, new InMemoryContext());
    }

    public static TranslatorRunner of(Translator translator, InMemoryContext context) {
        return new TranslatorRunner(translator, context);
    }

    public InMemoryContext context() {
        return context;
    }

    /** The ops for {@code change}, after applying them to the in-memory target. */
    public List<TargetOp> translate(RowChange change) {
        List<TargetOp> ops = translator.translate(change, context);
        if (ops == null) {
            fail("translator '" + translator.name() + "' returned null for " + describe(change) + " (return List.of())");
        }
        for (int i = 0; i < ops.size(); i++) {
            check(ops.get(i), i, change);
        }
        context.apply(ops);
        return List.copyOf(ops);
    }

    /** The ops of all changes, in order, each change applied before the next is translated. */
    public List<TargetOp> translateAll(List<RowChange> changes) {
        List<TargetOp> all = new ArrayList<>();
        for (RowChange c : changes) {
            all.addAll(translate(c));
        }
        return all;
    }

    public List<TargetOp> translateAll(RowChange... changes) {
        return translateAll(List.of(changes));
    }

    /** Translates {@code change} and asserts its ops are exactly {@code expected} (see {@link Ops#assertOps}). */
    public TranslatorRunner expect(RowChange change, TargetOp... expected) {
        Ops.assertOps(translate(change), expected);
        return this;
    }

    /** What {@link io.paraverse.applier.Applier} would refuse, as a failure naming op, column and change. */
    private void check(TargetOp op, int index, RowChange change) {
        String where = "translator '" + translator.name() + "', op " + (index + 1) + " for " + describe(change) + ": ";
        if (op == null) {
            fail(where + "null op");
        }
        TargetTable t = op.table();
        List<Object> values = op instanceof TargetOp.Upsert u ? u.values() : op instanceof TargetOp.Update u ? u.values()
                : op.keyValues();
        List<String> names = op instanceof TargetOp.Delete ? t.key() : t.columns();
        for (int c = 0; c < values.size(); c++) {
            Object v = values.get(c);
            if (!(v == null || v instanceof String || v instanceof Long || v instanceof byte[] || v instanceof BigDecimal
                    || v instanceof Double || v instanceof Float || v instanceof BigInteger)) {
                fail(where + Ops.format(op) + ": column " + names.get(c) + " holds a " + v.getClass().getName()
                        + "; the change model allows Long, BigInteger, BigDecimal, Float, Double, String, byte[] and null");
            }
        }
        for (int k = 0; k < t.key().size(); k++) {
            if (op.keyValues().get(k) == null) {
                fail(where + Ops.format(op) + ": key column " + t.key().get(k) + " is NULL");
            }
        }
    }

    private static String describe(RowChange c) {
        return c.op() + " of " + c.table().qualifiedName() + " " + (c.hasAfter() ? c.afterMap() : c.beforeMap());
    }
}
