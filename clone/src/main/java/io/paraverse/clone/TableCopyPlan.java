package io.paraverse.clone;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * How one table's rows are read from the source and written to the target: the stored (non-generated) columns, how
 * each travels so that values round-trip exactly, and the primary key used for keyset chunks.
 * <p>
 * Temporal columns travel as their text ({@code CAST(col AS CHAR)}, both sessions at UTC), binary/blob/geometry as
 * bytes, BIT and integers as exact numbers (so a BIGINT key above 2^53 is bound as a number, not a string the server
 * would compare as a double), FLOAT as {@code CAST(col AS DOUBLE)} (a FLOAT's own text has 6 significant digits and
 * does not round-trip), everything else as the server's string form. Generated columns are left out: the target
 * computes them.
 */
record TableCopyPlan(TableRef table, List<CopyColumn> columns, List<String> primaryKey, long estimatedRows) {
    private static final Set<String> BYTES = Set.of("binary", "varbinary", "tinyblob", "blob", "mediumblob", "longblob",
            "geometry", "point", "linestring", "polygon", "multipoint", "multilinestring", "multipolygon", "geometrycollection");
    private static final Set<String> TEMPORAL = Set.of("date", "datetime", "timestamp", "time", "year");
    private static final Set<String> INTEGERS = Set.of("tinyint", "smallint", "mediumint", "int", "bigint");

    enum Kind { STRING, BYTES, TEMPORAL, BIT, FLOAT, INTEGER }

    record CopyColumn(String name, Kind kind) { }

    TableCopyPlan {
        columns = List.copyOf(columns);
        primaryKey = List.copyOf(primaryKey);
    }

    static TableCopyPlan of(Connection c, TableRef t) throws SQLException {
        List<CopyColumn> cols = new ArrayList<>();
        try (PreparedStatement ps = c.prepareStatement("SELECT COLUMN_NAME, DATA_TYPE, IS_GENERATED, EXTRA FROM information_schema.COLUMNS"
                + " WHERE TABLE_SCHEMA=? AND TABLE_NAME=? ORDER BY ORDINAL_POSITION")) {
            ps.setString(1, t.schema());
            ps.setString(2, t.table());
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    String extra = rs.getString(4) == null ? "" : rs.getString(4).toUpperCase(Locale.ROOT);
                    if ("ALWAYS".equalsIgnoreCase(rs.getString(3)) || extra.contains("GENERATED") || extra.contains("PERSISTENT")
                            || extra.contains("VIRTUAL")) {
                        continue;
                    }
                    String type = rs.getString(2).toLowerCase(Locale.ROOT);
                    Kind kind = BYTES.contains(type) ? Kind.BYTES : TEMPORAL.contains(type) ? Kind.TEMPORAL
                            : type.equals("bit") ? Kind.BIT : type.equals("float") ? Kind.FLOAT
                            : INTEGERS.contains(type) ? Kind.INTEGER : Kind.STRING;
                    cols.add(new CopyColumn(rs.getString(1), kind));
                }
            }
        }
        if (cols.isEmpty()) {
            throw new CloneException("table " + t + " not found on the source (or it has only generated columns)");
        }
        long estimate = 0;
        try (PreparedStatement ps = c.prepareStatement("SELECT TABLE_ROWS FROM information_schema.TABLES WHERE TABLE_SCHEMA=? AND TABLE_NAME=?")) {
            ps.setString(1, t.schema());
            ps.setString(2, t.table());
            try (ResultSet rs = ps.executeQuery()) {
                if (rs.next()) {
                    estimate = rs.getLong(1);
                }
            }
        }
        return new TableCopyPlan(t, cols, SchemaCopier.primaryKey(c, t), estimate);
    }

    String selectList() {
        List<String> out = new ArrayList<>();
        for (CopyColumn c : columns) {
            String q = TableRef.quote(c.name());
            out.add(switch (c.kind()) {
                case TEMPORAL -> "CAST(" + q + " AS CHAR)";
                case BIT -> "CAST(" + q + " AS UNSIGNED)";
                case FLOAT -> "CAST(" + q + " AS DOUBLE)";
                default -> q;
            });
        }
        return String.join(",", out);
    }

    String columnList() {
        return String.join(",", columns.stream().map(c -> TableRef.quote(c.name())).toList());
    }

    /** Positions of the primary-key columns in {@link #columns()}. */
    int[] keyPositions() {
        int[] at = new int[primaryKey.size()];
        for (int i = 0; i < primaryKey.size(); i++) {
            at[i] = -1;
            for (int j = 0; j < columns.size(); j++) {
                if (columns.get(j).name().equals(primaryKey.get(i))) {
                    at[i] = j;
                }
            }
            if (at[i] < 0) {
                throw new CloneException("table " + table + ": primary-key column " + primaryKey.get(i) + " is generated; not supported");
            }
        }
        return at;
    }

    Object[] readRow(ResultSet rs) throws SQLException {
        Object[] row = new Object[columns.size()];
        for (int i = 0; i < row.length; i++) {
            row[i] = switch (columns.get(i).kind()) {
                case BYTES -> rs.getBytes(i + 1);
                case BIT, INTEGER -> rs.getBigDecimal(i + 1);
                default -> rs.getString(i + 1);
            };
        }
        return row;
    }
}
