package io.paraverse.translator;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * A table's shape as the change stream knows it: schema (database) name, table name, columns in table
 * order and primary-key column names. Immutable; shared by all changes of the same table version.
 */
public final class TableDef {
    private final String schema;
    private final String table;
    private final List<Column> columns;
    private final List<String> primaryKey;
    private final Map<String, Integer> indexByName;
    private final int[] keyIndexes;
    private final int hash; // cached: tables key caches on the hot apply path

    public TableDef(String schema, String table, List<Column> columns, List<String> primaryKey) {
        this.schema = Objects.requireNonNull(schema, "schema");
        this.table = Objects.requireNonNull(table, "table");
        this.columns = List.copyOf(columns);
        this.primaryKey = List.copyOf(primaryKey);
        this.indexByName = new HashMap<>();
        for (int i = 0; i < this.columns.size(); i++) {
            indexByName.put(this.columns.get(i).name(), i);
        }
        this.keyIndexes = new int[this.primaryKey.size()];
        for (int i = 0; i < keyIndexes.length; i++) {
            Integer idx = indexByName.get(this.primaryKey.get(i));
            if (idx == null) {
                throw new IllegalArgumentException("primary-key column " + this.primaryKey.get(i)
                        + " is not a column of " + qualifiedName());
            }
            keyIndexes[i] = idx;
        }
        this.hash = Objects.hash(schema, table, this.columns, this.primaryKey);
    }

    public String schema() { return schema; }
    public String table() { return table; }
    public List<Column> columns() { return columns; }
    public List<String> primaryKey() { return primaryKey; }
    public boolean hasPrimaryKey() { return !primaryKey.isEmpty(); }
    public String qualifiedName() { return schema + "." + table; }

    /** Index of a column by name, or -1. */
    public int indexOf(String column) {
        Integer i = indexByName.get(column);
        return i == null ? -1 : i;
    }

    /** Positions of the primary-key columns within {@link #columns()}, in key order. */
    public int[] keyIndexes() { return keyIndexes.clone(); }

    @Override
    public boolean equals(Object o) {
        return o == this || o instanceof TableDef t && hash == t.hash && schema.equals(t.schema) && table.equals(t.table)
                && columns.equals(t.columns) && primaryKey.equals(t.primaryKey);
    }

    @Override
    public int hashCode() { return hash; }

    @Override
    public String toString() { return qualifiedName() + columns + " pk" + primaryKey; }
}
