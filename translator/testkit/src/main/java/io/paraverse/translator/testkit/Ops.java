package io.paraverse.translator.testkit;

import io.paraverse.translator.TargetOp;
import io.paraverse.translator.TargetTable;
import org.opentest4j.AssertionFailedError;

import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;

/**
 * Expected {@link TargetOp}s, and the assertion that compares them with what a translator produced:
 * <pre>{@code
 * TargetTable page = Ops.table("wiki2.page", List.of("page_id", "title"), "page_id");
 * Ops.assertOps(ops, Ops.upsert(page, 1, "Main"), Ops.delete(page, 2));
 * }</pre>
 * Expected {@code int}s, {@code short}s and {@code byte}s are taken as the {@code Long}s translators must produce.
 * Values compare by content ({@code byte[]}) and by numeric value ({@code BigDecimal} scale aside); anything else,
 * including the Java class of a value, must match exactly.
 */
public final class Ops {
    private Ops() { }

    /** A target table {@code "schema.table"} with these columns (value order) and key columns. */
    public static TargetTable table(String qualifiedName, List<String> columns, String... key) {
        int dot = qualifiedName.indexOf('.');
        if (dot <= 0) {
            throw new IllegalArgumentException("table must be schema.table, got '" + qualifiedName + "'");
        }
        return new TargetTable(qualifiedName.substring(0, dot), qualifiedName.substring(dot + 1), columns, List.of(key));
    }

    public static TargetOp.Upsert upsert(TargetTable table, Object... values) {
        return new TargetOp.Upsert(table, longs(values));
    }

    /** Values in {@code table.columns()} order: key columns and the columns to set. */
    public static TargetOp.Update update(TargetTable table, Object... values) {
        return new TargetOp.Update(table, longs(values));
    }

    public static TargetOp.Delete delete(TargetTable table, Object... keyValues) {
        return new TargetOp.Delete(table, longs(keyValues));
    }

    /** Fails unless {@code actual} is exactly {@code expected}, in order; the message lists both. */
    public static void assertOps(List<? extends TargetOp> actual, TargetOp... expected) {
        assertOps(List.of(expected), actual);
    }

    /** Fails unless {@code actual} is exactly {@code expected}, in order; the message lists both. */
    public static void assertOps(List<? extends TargetOp> expected, List<? extends TargetOp> actual) {
        int n = Math.max(expected.size(), actual.size());
        int first = -1;
        for (int i = 0; i < n && first < 0; i++) {
            if (i >= expected.size() || i >= actual.size() || !same(expected.get(i), actual.get(i))) {
                first = i;
            }
        }
        if (first < 0) {
            return;
        }
        String exp = list(expected);
        String act = list(actual);
        String why = first >= actual.size() ? "op #" + (first + 1) + " is missing"
                : first >= expected.size() ? "op #" + (first + 1) + " is not expected"
                : "op #" + (first + 1) + " differs";
        // expected/actual as text too, so IDEs offer a diff of the two lists
        throw new AssertionFailedError("translator produced other ops: " + why + "\nexpected " + expected.size() + ":\n"
                + exp + "\nactual " + actual.size() + ":\n" + act + "\n", exp, act);
    }

    /** One op, readably: {@code upsert shop2.address (address_id=1, city='Oslo') key (address_id)}. */
    public static String format(TargetOp op) {
        TargetTable t = op.table();
        if (op instanceof TargetOp.Delete d) {
            return "delete " + t.qualifiedName() + " where " + pairs(t.key(), d.keyValues(), null);
        }
        List<Object> values = op instanceof TargetOp.Upsert u ? u.values() : ((TargetOp.Update) op).values();
        if (op instanceof TargetOp.Upsert) {
            return "upsert " + t.qualifiedName() + " " + pairs(t.columns(), values, null) + " key (" + String.join(", ", t.key()) + ")";
        }
        return "update " + t.qualifiedName() + " set " + pairs(t.columns(), values, t.key()) + " where "
                + pairs(t.key(), op.keyValues(), null);
    }

    /** A value as tests read it: 'text', 42, NULL, 0x0a0b, and the class for anything else (1.5::Double). */
    public static String format(Object v) {
        if (v == null) {
            return "NULL";
        }
        if (v instanceof String s) {
            return "'" + s.replace("'", "\\'") + "'";
        }
        if (v instanceof Long) {
            return v.toString();
        }
        if (v instanceof byte[] b) {
            return "0x" + HexFormat.of().formatHex(b);
        }
        return v + "::" + v.getClass().getSimpleName();
    }

    static boolean same(TargetOp a, TargetOp b) {
        if (a.getClass() != b.getClass() || !a.table().equals(b.table())) {
            return false;
        }
        List<Object> x = a instanceof TargetOp.Delete d ? d.keyValues() : a instanceof TargetOp.Upsert u ? u.values()
                : ((TargetOp.Update) a).values();
        List<Object> y = b instanceof TargetOp.Delete d ? d.keyValues() : b instanceof TargetOp.Upsert u ? u.values()
                : ((TargetOp.Update) b).values();
        for (int i = 0; i < x.size(); i++) {
            Object p = x.get(i);
            Object q = y.get(i);
            boolean eq = p instanceof byte[] pb && q instanceof byte[] qb ? Arrays.equals(pb, qb)
                    : p instanceof BigDecimal pd && q instanceof BigDecimal qd ? pd.compareTo(qd) == 0
                    : java.util.Objects.equals(p, q);
            if (!eq) {
                return false;
            }
        }
        return true;
    }

    private static String list(List<? extends TargetOp> ops) {
        List<String> lines = new ArrayList<>();
        for (int i = 0; i < ops.size(); i++) {
            lines.add("  " + (i + 1) + ". " + format(ops.get(i)));
        }
        return lines.isEmpty() ? "  (none)" : String.join("\n", lines);
    }

    private static String pairs(List<String> names, List<Object> values, List<String> skip) {
        List<String> out = new ArrayList<>();
        for (int i = 0; i < names.size(); i++) {
            if (skip == null || !skip.contains(names.get(i))) {
                out.add(names.get(i) + "=" + format(values.get(i)));
            }
        }
        return "(" + String.join(", ", out) + ")";
    }

    private static List<Object> longs(Object[] values) {
        Object[] out = new Object[values.length];
        for (int i = 0; i < values.length; i++) {
            Object v = values[i];
            out[i] = v instanceof Integer || v instanceof Short || v instanceof Byte ? Long.valueOf(((Number) v).longValue()) : v;
        }
        return Arrays.asList(out);
    }
}
