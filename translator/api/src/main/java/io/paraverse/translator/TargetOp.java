package io.paraverse.translator;

import java.util.Arrays;
import java.util.List;
import java.util.Objects;

/**
 * One idempotent write on the target: an upsert of a complete row, an update of some columns of the row with a key,
 * or a delete by key. Full values, never increments, so applying an op twice leaves the same row.
 */
public sealed interface TargetOp permits TargetOp.Upsert, TargetOp.Update, TargetOp.Delete {

    TargetTable table();

    /** The key values identifying the row this op writes, in {@link TargetTable#key()} order. */
    List<Object> keyValues();

    /** Insert the row, or replace every listed column if a row with the same key exists. */
    record Upsert(TargetTable table, List<Object> values) implements TargetOp {
        public Upsert {
            Objects.requireNonNull(table, "table");
            values = java.util.Collections.unmodifiableList(Arrays.asList(values.toArray()));
            if (values.size() != table.columns().size()) {
                throw new IllegalArgumentException("upsert into " + table.qualifiedName() + " has " + values.size()
                        + " values for " + table.columns().size() + " columns");
            }
        }

        @Override
        public List<Object> keyValues() {
            return keyOf(table, values);
        }
    }

    /**
     * Set the non-key columns of {@code table} to {@code values} in the row with the key given by the key columns'
     * values, if that row exists (no row is created). {@code table.columns()} lists the key columns and the columns to
     * set; {@code values} follow that order.
     */
    record Update(TargetTable table, List<Object> values) implements TargetOp {
        public Update {
            Objects.requireNonNull(table, "table");
            values = java.util.Collections.unmodifiableList(Arrays.asList(values.toArray()));
            if (values.size() != table.columns().size()) {
                throw new IllegalArgumentException("update of " + table.qualifiedName() + " has " + values.size()
                        + " values for " + table.columns().size() + " columns");
            }
            if (table.columns().size() == table.key().size()) {
                throw new IllegalArgumentException("update of " + table.qualifiedName() + " sets no column besides the key " + table.key());
            }
        }

        @Override
        public List<Object> keyValues() {
            return keyOf(table, values);
        }
    }

    /** The key values within a full list of values in {@code table.columns()} order. */
    private static List<Object> keyOf(TargetTable table, List<Object> values) {
        int[] idx = table.keyIndexes();
        Object[] k = new Object[idx.length];
        for (int i = 0; i < idx.length; i++) {
            k[i] = values.get(idx[i]);
        }
        return Arrays.asList(k);
    }

    /** Delete the row with this key, if it exists. */
    record Delete(TargetTable table, List<Object> keyValues) implements TargetOp {
        public Delete {
            Objects.requireNonNull(table, "table");
            keyValues = java.util.Collections.unmodifiableList(Arrays.asList(keyValues.toArray()));
            if (keyValues.size() != table.key().size()) {
                throw new IllegalArgumentException("delete from " + table.qualifiedName() + " has " + keyValues.size()
                        + " key values for key " + table.key());
            }
        }
    }
}
