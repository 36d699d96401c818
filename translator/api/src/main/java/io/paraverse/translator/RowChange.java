package io.paraverse.translator;

import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * One row changed on the source: an insert (after image only), update (both) or delete (before image only).
 * Images are complete rows ({@code binlog_row_image=FULL}) aligned with {@link TableDef#columns()}.
 * Immutable: accessors copy {@code byte[]} values so a translator cannot change what others see.
 */
public final class RowChange {
    public enum Op { INSERT, UPDATE, DELETE }

    private final TableDef table;
    private final Op op;
    private final Object[] before;
    private final Object[] after;
    private final SourcePosition position;
    private final long commitTimeMillis;

    public RowChange(TableDef table, Op op, Object[] before, Object[] after,
                     SourcePosition position, long commitTimeMillis) {
        this.table = Objects.requireNonNull(table, "table");
        this.op = Objects.requireNonNull(op, "op");
        this.position = Objects.requireNonNull(position, "position");
        this.commitTimeMillis = commitTimeMillis;
        int n = table.columns().size();
        if ((op == Op.INSERT) != (before == null) || (op == Op.DELETE) != (after == null)) {
            throw new IllegalArgumentException(op + " on " + table.qualifiedName()
                    + " needs " + (op == Op.INSERT ? "only an after image" : op == Op.DELETE ? "only a before image" : "both images"));
        }
        if ((before != null && before.length != n) || (after != null && after.length != n)) {
            throw new IllegalArgumentException("row image of " + table.qualifiedName() + " has "
                    + (before != null ? before.length : after.length) + " values for " + n + " columns");
        }
        this.before = before == null ? null : before.clone();
        this.after = after == null ? null : after.clone();
    }

    public TableDef table() { return table; }
    public Op op() { return op; }
    public SourcePosition position() { return position; }
    /** The GTID of the source transaction: the transaction id. */
    public String transactionId() { return position.gtid(); }
    public long commitTimeMillis() { return commitTimeMillis; }
    public boolean hasBefore() { return before != null; }
    public boolean hasAfter() { return after != null; }

    /** Value of a column in the before image (null image → IllegalStateException). */
    public Object before(String column) { return value(before, "before", column); }

    /** Value of a column in the after image. */
    public Object after(String column) { return value(after, "after", column); }

    public Object before(int index) { return copy(image(before, "before")[index]); }

    public Object after(int index) { return copy(image(after, "after")[index]); }

    /** The before image as column name → value, in column order (unmodifiable). */
    public Map<String, Object> beforeMap() { return asMap(image(before, "before")); }

    /** The after image as column name → value, in column order (unmodifiable). */
    public Map<String, Object> afterMap() { return asMap(image(after, "after")); }

    /** The image that describes the row's latest state: after for inserts and updates, before for deletes. */
    public Object latest(int index) { return after != null ? after(index) : before(index); }

    private Object value(Object[] image, String which, String column) {
        int i = table.indexOf(column);
        if (i < 0) {
            throw new IllegalArgumentException("no column " + column + " in " + table.qualifiedName());
        }
        return copy(image(image, which)[i]);
    }

    private Object[] image(Object[] image, String which) {
        if (image == null) {
            throw new IllegalStateException(op + " on " + table.qualifiedName() + " has no " + which + " image");
        }
        return image;
    }

    private Map<String, Object> asMap(Object[] image) {
        Map<String, Object> m = new LinkedHashMap<>();
        for (int i = 0; i < image.length; i++) {
            m.put(table.columns().get(i).name(), copy(image[i]));
        }
        return Collections.unmodifiableMap(m);
    }

    private static Object copy(Object v) {
        return v instanceof byte[] b ? b.clone() : v;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof RowChange r && table.equals(r.table) && op == r.op
                && Arrays.deepEquals(before, r.before) && Arrays.deepEquals(after, r.after)
                && position.equals(r.position) && commitTimeMillis == r.commitTimeMillis;
    }

    @Override
    public int hashCode() {
        return Objects.hash(table, op, Arrays.deepHashCode(before), Arrays.deepHashCode(after), position);
    }

    @Override
    public String toString() {
        return op + " " + table.qualifiedName() + " " + position;
    }
}
