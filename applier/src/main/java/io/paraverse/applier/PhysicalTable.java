package io.paraverse.applier;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * One table on the target as information_schema describes it: its columns (and which are generated) and its
 * unique indexes (PRIMARY and UNIQUE, as lower-case column-name sets). Read on first use and cached for the
 * applier's life: the target's schema is not expected to change while the applier runs.
 */
final class PhysicalTable {
    final String schema;
    final String table;
    final String qualified;
    /** `schema`.`table`, quoted for SQL. */
    final String sqlName;

    private boolean loaded;
    private final Set<String> columns = new HashSet<>();
    private final Set<String> writableColumns = new HashSet<>();
    private final List<Set<String>> uniqueIndexes = new ArrayList<>();
    private final List<String> uniqueIndexNames = new ArrayList<>();

    PhysicalTable(String schema, String table) {
        this.schema = schema;
        this.table = table;
        this.qualified = schema + "." + table;
        this.sqlName = Sql.quote(schema) + "." + Sql.quote(table);
    }

    boolean loaded() { return loaded; }

    /** Reads columns and unique indexes; the table not existing is reported as an empty column set. */
    void load(Connection c) throws SQLException {
        if (loaded) {
            return;
        }
        columns.clear();
        writableColumns.clear();
        uniqueIndexes.clear();
        uniqueIndexNames.clear();
        try (PreparedStatement ps = c.prepareStatement("SELECT COLUMN_NAME, IS_GENERATED FROM information_schema.COLUMNS"
                + " WHERE TABLE_SCHEMA = ? AND TABLE_NAME = ?")) {
            ps.setString(1, schema);
            ps.setString(2, table);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    String name = rs.getString(1).toLowerCase(Locale.ROOT);
                    columns.add(name);
                    if (!"ALWAYS".equalsIgnoreCase(rs.getString(2))) {
                        writableColumns.add(name);
                    }
                }
            }
        }
        Map<String, Set<String>> idx = new LinkedHashMap<>();
        try (PreparedStatement ps = c.prepareStatement("SELECT INDEX_NAME, COLUMN_NAME FROM information_schema.STATISTICS"
                + " WHERE TABLE_SCHEMA = ? AND TABLE_NAME = ? AND NON_UNIQUE = 0 ORDER BY INDEX_NAME, SEQ_IN_INDEX")) {
            ps.setString(1, schema);
            ps.setString(2, table);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    idx.computeIfAbsent(rs.getString(1), k -> new HashSet<>()).add(rs.getString(2).toLowerCase(Locale.ROOT));
                }
            }
        }
        for (Map.Entry<String, Set<String>> e : idx.entrySet()) {
            uniqueIndexNames.add(e.getKey());
            uniqueIndexes.add(Set.copyOf(e.getValue()));
        }
        loaded = true;
    }

    boolean exists() { return !columns.isEmpty(); }

    boolean hasColumn(String lowerName) { return columns.contains(lowerName); }

    /** Every column a write can set (not generated). */
    Set<String> writableColumns() { return writableColumns; }

    List<Set<String>> uniqueIndexes() { return uniqueIndexes; }

    String describeUniqueIndexes() {
        List<String> out = new ArrayList<>();
        for (int i = 0; i < uniqueIndexes.size(); i++) {
            out.add(uniqueIndexNames.get(i) + uniqueIndexes.get(i));
        }
        return out.isEmpty() ? "none" : String.join(", ", out);
    }

    @Override
    public String toString() { return qualified; }
}
