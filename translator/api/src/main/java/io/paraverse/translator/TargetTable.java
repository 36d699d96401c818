package io.paraverse.translator;

import java.util.List;
import java.util.Objects;

/**
 * A table on the target (new schema) that ops write: its name, the columns an upsert supplies (in value order)
 * and the key columns that identify a row. Key columns must be a subset of {@code columns}.
 */
public record TargetTable(String schema, String table, List<String> columns, List<String> key) {
    public TargetTable {
        Objects.requireNonNull(schema, "schema");
        Objects.requireNonNull(table, "table");
        columns = List.copyOf(columns);
        key = List.copyOf(key);
        if (key.isEmpty()) {
            throw new IllegalArgumentException("target table " + schema + "." + table + " needs key columns");
        }
        for (String k : key) {
            if (!columns.contains(k)) {
                throw new IllegalArgumentException("key column " + k + " of " + schema + "." + table + " is not among its columns " + columns);
            }
        }
    }

    public String qualifiedName() { return schema + "." + table; }

    /** Position of a key column within {@link #columns()}. */
    public int[] keyIndexes() {
        int[] idx = new int[key.size()];
        for (int i = 0; i < idx.length; i++) {
            idx[i] = columns.indexOf(key.get(i));
        }
        return idx;
    }
}
