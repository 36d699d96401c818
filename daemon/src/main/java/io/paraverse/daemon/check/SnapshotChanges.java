package io.paraverse.daemon.check;

import io.paraverse.translator.Column;
import io.paraverse.translator.RowChange;
import io.paraverse.translator.SourcePosition;
import io.paraverse.translator.SqlType;
import io.paraverse.translator.TableDef;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.function.Consumer;

/**
 * Reads a table's rows and presents each as the INSERT change capture would have produced for it: the same
 * {@link TableDef} shape and the same Java value types ({@link SqlType}), so a translator cannot tell a snapshot row
 * from a captured one. Used to run translators over a snapshot.
 */
public final class SnapshotChanges {
    private SnapshotChanges() { }

    /** The table's shape as capture reports it, under the schema name {@code asSchema} (the one translators expect). */
    public static TableDef tableDef(Connection c, String schema, String table, String asSchema) throws SQLException {
        List<Column> cols = new ArrayList<>();
        try (PreparedStatement ps = c.prepareStatement("SELECT COLUMN_NAME, DATA_TYPE, COLUMN_TYPE, CHARACTER_SET_NAME"
                + " FROM information_schema.COLUMNS WHERE TABLE_SCHEMA=? AND TABLE_NAME=? ORDER BY ORDINAL_POSITION")) {
            ps.setString(1, schema);
            ps.setString(2, table);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    cols.add(new Column(rs.getString(1), sqlType(rs.getString(2), schema + "." + table),
                            rs.getString(3).toLowerCase(Locale.ROOT).contains("unsigned"), rs.getString(4)));
                }
            }
        }
        if (cols.isEmpty()) {
            throw new IllegalArgumentException("table " + schema + "." + table + " not found on the server (no columns in information_schema)");
        }
        List<String> pk = new ArrayList<>();
        try (PreparedStatement ps = c.prepareStatement("SELECT COLUMN_NAME FROM information_schema.STATISTICS WHERE TABLE_SCHEMA=?"
                + " AND TABLE_NAME=? AND INDEX_NAME='PRIMARY' ORDER BY SEQ_IN_INDEX")) {
            ps.setString(1, schema);
            ps.setString(2, table);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    pk.add(rs.getString(1));
                }
            }
        }
        return new TableDef(asSchema, table, cols, pk);
    }

    /** Streams every row of {@code schema.table} (primary-key order) as an INSERT of {@code def}. */
    static long read(Connection c, String schema, TableDef def, SourcePosition position, Consumer<RowChange> out) throws SQLException {
        List<String> select = new ArrayList<>();
        for (Column col : def.columns()) {
            select.add(selectExpression(col));
        }
        String order = def.primaryKey().isEmpty() ? "" : " ORDER BY " + String.join(",",
                def.primaryKey().stream().map(k -> "`" + k.replace("`", "``") + "`").toList());
        long n = 0;
        try (Statement st = c.createStatement()) {
            st.execute("SET SESSION time_zone='+00:00'");
            st.setFetchSize(1000);
            try (ResultSet rs = st.executeQuery("SELECT " + String.join(",", select) + " FROM `" + schema.replace("`", "``") + "`.`"
                    + def.table().replace("`", "``") + "`" + order)) {
                int cols = def.columns().size();
                while (rs.next()) {
                    Object[] row = new Object[cols];
                    for (int i = 0; i < cols; i++) {
                        row[i] = value(rs, i + 1, def.columns().get(i));
                    }
                    out.accept(new RowChange(def, RowChange.Op.INSERT, null, row, position, 0));
                    n++;
                }
            }
        }
        return n;
    }

    /** How to select a column so that {@link #value} gets it in the change model's form (session time zone UTC). */
    public static String selectExpression(Column col) {
        String q = "`" + col.name().replace("`", "``") + "`";
        return col.type().isTemporal() ? "CAST(" + q + " AS CHAR)" : col.type() == SqlType.BIT ? "CAST(" + q + " AS UNSIGNED)" : q;
    }

    /** A column selected with {@link #selectExpression} as the change model's Java value ({@link SqlType}). */
    public static Object value(ResultSet rs, int i, Column col) throws SQLException {
        SqlType t = col.type();
        if (t.isInteger() || t == SqlType.BIT) {
            java.math.BigDecimal d = rs.getBigDecimal(i);
            if (d == null) {
                return null;
            }
            return t == SqlType.BIGINT && col.unsigned() ? d.toBigInteger() : (Object) d.longValue();
        }
        return switch (t) {
            case DECIMAL -> rs.getBigDecimal(i);
            case FLOAT -> { float f = rs.getFloat(i); yield rs.wasNull() ? null : f; }
            case DOUBLE -> { double d = rs.getDouble(i); yield rs.wasNull() ? null : d; }
            case BINARY, VARBINARY, BLOB, GEOMETRY -> rs.getBytes(i);
            default -> rs.getString(i);
        };
    }

    private static SqlType sqlType(String dataType, String table) {
        String t = dataType.toLowerCase(Locale.ROOT);
        return switch (t) {
            case "tinyint" -> SqlType.TINYINT;
            case "smallint" -> SqlType.SMALLINT;
            case "mediumint" -> SqlType.MEDIUMINT;
            case "int", "integer" -> SqlType.INT;
            case "bigint" -> SqlType.BIGINT;
            case "year" -> SqlType.YEAR;
            case "decimal", "numeric" -> SqlType.DECIMAL;
            case "float" -> SqlType.FLOAT;
            case "double", "real" -> SqlType.DOUBLE;
            case "bit" -> SqlType.BIT;
            case "date" -> SqlType.DATE;
            case "time" -> SqlType.TIME;
            case "datetime" -> SqlType.DATETIME;
            case "timestamp" -> SqlType.TIMESTAMP;
            case "char" -> SqlType.CHAR;
            case "varchar" -> SqlType.VARCHAR;
            case "tinytext", "text", "mediumtext", "longtext" -> SqlType.TEXT;
            case "enum" -> SqlType.ENUM;
            case "set" -> SqlType.SET;
            case "json" -> SqlType.JSON;
            case "binary" -> SqlType.BINARY;
            case "varbinary" -> SqlType.VARBINARY;
            case "tinyblob", "blob", "mediumblob", "longblob" -> SqlType.BLOB;
            case "geometry", "point", "linestring", "polygon", "multipoint", "multilinestring", "multipolygon",
                 "geometrycollection" -> SqlType.GEOMETRY;
            default -> throw new IllegalArgumentException("table " + table + ": column type " + dataType + " is not supported");
        };
    }

}
