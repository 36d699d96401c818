package io.paraverse.translator.mapping;

import io.paraverse.translator.SqlType;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** Tables and columns of one server as information_schema describes them, read per database on first use. */
final class DbSchema {
    /** One column: its change-model type and what validation needs to know about writing it. */
    record DbColumn(String name, SqlType type, boolean unsigned, String charset, boolean nullable, boolean hasDefault,
                    boolean autoIncrement, boolean generated, String columnType) {
        String describe() { return columnType; }

        boolean isBigintUnsigned() { return type == SqlType.BIGINT && unsigned; }
    }

    /** One table: columns in table order (unsupported types have a null type) and primary-key column names. */
    record DbTable(String schema, String name, List<DbColumn> columns, List<String> primaryKey) {
        String qualifiedName() { return schema + "." + name; }

        /** A column by name, case-insensitively (as MariaDB matches column names), or null. */
        DbColumn column(String n) {
            for (DbColumn c : columns) {
                if (c.name().equalsIgnoreCase(n)) {
                    return c;
                }
            }
            return null;
        }
    }

    private final Connection connection;
    private final String role;
    private final Map<String, Map<String, DbTable>> bySchema = new HashMap<>();

    DbSchema(Connection connection, String role) {
        this.connection = connection;
        this.role = role;
    }

    String role() { return role; }

    /** A table by schema and name (case-insensitively), or null. */
    DbTable table(String schema, String name) throws SQLException {
        Map<String, DbTable> tables = bySchema.get(schema.toLowerCase(Locale.ROOT));
        if (tables == null) {
            tables = load(schema);
            bySchema.put(schema.toLowerCase(Locale.ROOT), tables);
        }
        return tables.get(name.toLowerCase(Locale.ROOT));
    }

    private Map<String, DbTable> load(String schema) throws SQLException {
        Map<String, String> realSchema = new HashMap<>();
        Map<String, List<DbColumn>> cols = new LinkedHashMap<>();
        try (PreparedStatement ps = connection.prepareStatement(
                "SELECT TABLE_SCHEMA, TABLE_NAME, COLUMN_NAME, DATA_TYPE, COLUMN_TYPE, IS_NULLABLE, COLUMN_DEFAULT, EXTRA,"
                        + " CHARACTER_SET_NAME FROM information_schema.COLUMNS WHERE TABLE_SCHEMA = ?"
                        + " ORDER BY TABLE_NAME, ORDINAL_POSITION")) {
            ps.setString(1, schema);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    String table = rs.getString(2);
                    realSchema.put(table, rs.getString(1));
                    String dataType = rs.getString(4).toLowerCase(Locale.ROOT);
                    String columnType = rs.getString(5);
                    boolean nullable = "YES".equalsIgnoreCase(rs.getString(6));
                    String def = rs.getString(7);
                    String extra = rs.getString(8) == null ? "" : rs.getString(8).toLowerCase(Locale.ROOT);
                    boolean autoInc = extra.contains("auto_increment");
                    boolean generated = extra.contains("virtual generated") || extra.contains("stored generated")
                            || extra.equals("virtual") || extra.equals("persistent") || extra.equals("stored");
                    String cs = rs.getString(9);
                    cols.computeIfAbsent(table, t -> new ArrayList<>()).add(new DbColumn(rs.getString(3),
                            sqlType(dataType), columnType.toLowerCase(Locale.ROOT).contains("unsigned"),
                            cs == null ? null : cs.toLowerCase(Locale.ROOT), nullable,
                            def != null || nullable || autoInc || generated, autoInc, generated, columnType));
                }
            }
        }
        Map<String, List<String>> pks = new HashMap<>();
        try (PreparedStatement ps = connection.prepareStatement(
                "SELECT TABLE_NAME, COLUMN_NAME FROM information_schema.STATISTICS WHERE TABLE_SCHEMA = ?"
                        + " AND INDEX_NAME = 'PRIMARY' ORDER BY TABLE_NAME, SEQ_IN_INDEX")) {
            ps.setString(1, schema);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    pks.computeIfAbsent(rs.getString(1), t -> new ArrayList<>()).add(rs.getString(2));
                }
            }
        }
        Map<String, DbTable> out = new HashMap<>();
        for (Map.Entry<String, List<DbColumn>> e : cols.entrySet()) {
            out.put(e.getKey().toLowerCase(Locale.ROOT), new DbTable(realSchema.get(e.getKey()), e.getKey(),
                    List.copyOf(e.getValue()), List.copyOf(pks.getOrDefault(e.getKey(), List.of()))));
        }
        return out;
    }

    /** The change-model type of an information_schema DATA_TYPE, or null if mappings do not support it. */
    static SqlType sqlType(String dataType) {
        switch (dataType) {
            case "tinyint": return SqlType.TINYINT;
            case "smallint": return SqlType.SMALLINT;
            case "mediumint": return SqlType.MEDIUMINT;
            case "int": case "integer": return SqlType.INT;
            case "bigint": return SqlType.BIGINT;
            case "year": return SqlType.YEAR;
            case "decimal": case "numeric": return SqlType.DECIMAL;
            case "float": return SqlType.FLOAT;
            case "double": case "real": case "double precision": return SqlType.DOUBLE;
            case "bit": return SqlType.BIT;
            case "date": return SqlType.DATE;
            case "time": return SqlType.TIME;
            case "datetime": return SqlType.DATETIME;
            case "timestamp": return SqlType.TIMESTAMP;
            case "char": return SqlType.CHAR;
            case "varchar": return SqlType.VARCHAR;
            case "tinytext": case "text": case "mediumtext": case "longtext": return SqlType.TEXT;
            case "enum": return SqlType.ENUM;
            case "set": return SqlType.SET;
            case "json": return SqlType.JSON;
            case "binary": return SqlType.BINARY;
            case "varbinary": return SqlType.VARBINARY;
            case "tinyblob": case "blob": case "mediumblob": case "longblob": return SqlType.BLOB;
            case "geometry": case "point": case "linestring": case "polygon": case "multipoint": case "multilinestring":
            case "multipolygon": case "geometrycollection": return SqlType.GEOMETRY;
            default: return null;
        }
    }
}
