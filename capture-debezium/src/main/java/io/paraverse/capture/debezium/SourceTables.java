package io.paraverse.capture.debezium;

import io.paraverse.translator.Column;
import io.paraverse.translator.SqlType;
import io.paraverse.translator.TableDef;

import com.fasterxml.jackson.databind.JsonNode;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Table shapes from the source's information_schema, the way {@code io.paraverse.capture.BinlogCapture} describes
 * them (same {@link SqlType}s, signedness and character sets), so that Debezium events become the same
 * {@link io.paraverse.translator.RowChange}s. Debezium's JSON without schemas carries no types at all, and with
 * schemas not the SQL type, so the source is asked once per table and again when an event's columns differ (after
 * DDL). Not thread-safe: one capture thread.
 */
final class SourceTables implements AutoCloseable {
    /** One table: its definition and per-column decoding facts, aligned with {@code def.columns()}. */
    record Shape(TableDef def, List<ColumnInfo> columns) {
    }

    private final String jdbcUrl;
    private final String user;
    private final String password;
    private final Map<String, Shape> cache = new HashMap<>();
    private Connection connection;

    SourceTables(String host, int port, String user, String password) {
        this.jdbcUrl = "jdbc:mariadb://" + host + ":" + port + "/";
        this.user = Objects.requireNonNull(user, "user");
        this.password = password;
    }

    /** The table's shape as cached (asking the source the first time). */
    Shape shape(String schema, String table) {
        Shape s = cache.get(schema + "." + table);
        return s != null ? s : refresh(schema, table);
    }

    /** Asks the source again (after DDL). */
    Shape refresh(String schema, String table) {
        Shape s = load(schema, table);
        cache.put(schema + "." + table, s);
        return s;
    }

    /**
     * The shape narrowed to {@code names} in that order, or null if one is missing or the primary key would be cut.
     */
    static Shape project(Shape shape, List<String> names) {
        List<ColumnInfo> cols = new ArrayList<>();
        for (String n : names) {
            ColumnInfo c = shape.columns().stream().filter(x -> x.name().equals(n)).findFirst().orElse(null);
            if (c == null) {
                return null;
            }
            cols.add(c);
        }
        if (!names.containsAll(shape.def().primaryKey())) {
            return null;
        }
        return new Shape(new TableDef(shape.def().schema(), shape.def().table(),
                cols.stream().map(ColumnInfo::column).toList(), shape.def().primaryKey()), List.copyOf(cols));
    }

    /**
     * Defines a table from Debezium's schema history ({@code tableChanges[].table}): the shape at that point of the
     * stream, which the engine delivers in order with the rows — unlike the source's information_schema, which
     * already shows later DDL while older rows are still being read.
     */
    void define(String schema, String table, JsonNode t) {
        String where = schema + "." + table;
        String tableCharset = t.path("defaultCharsetName").asText(null);
        List<ColumnInfo> cols = new ArrayList<>();
        for (JsonNode c : t.path("columns")) {
            String name = c.path("name").asText();
            String typeName = c.path("typeName").asText("").toLowerCase(java.util.Locale.ROOT);
            boolean unsigned = typeName.contains("unsigned");
            String base = typeName.replace(" unsigned", "").replace(" zerofill", "").trim();
            String charset = c.hasNonNull("charsetName") ? c.get("charsetName").asText() : null;
            SqlType type = switch (base) {
                case "bool", "boolean" -> SqlType.TINYINT;
                case "dec", "fixed" -> SqlType.DECIMAL;
                case "real", "double precision" -> SqlType.DOUBLE;
                case "json" -> SqlType.TEXT; // MariaDB's JSON is LONGTEXT, as the binlog says
                default -> typeFor(base, where + "." + name);
            };
            if (base.equals("json")) {
                charset = "utf8mb4";
            }
            int length = c.path("length").asInt(0);
            ColumnInfo info = column(name, type, unsigned, charset, c.path("scale").asInt(0), length, length,
                    tableCharset);
            cols.add(info);
        }
        List<String> pk = new ArrayList<>();
        t.path("primaryKeyColumnNames").forEach(n -> pk.add(n.asText()));
        List<Column> defs = cols.stream().map(ColumnInfo::column).toList();
        cache.put(where, new Shape(new TableDef(schema, table, defs, pk), List.copyOf(cols)));
    }

    /** Forgets a table (dropped, or renamed away). */
    void forget(String schema, String table) {
        cache.remove(schema + "." + table);
    }

    /** Forgets all tables of a schema (after DDL in it). */
    void invalidate(String schema) {
        cache.keySet().removeIf(k -> schema == null || k.startsWith(schema + "."));
    }

    private Shape load(String schema, String table) {
        try {
            return query(schema, table);
        } catch (SQLException first) {
            closeQuietly(); // a dropped connection: one retry on a fresh one
            try {
                return query(schema, table);
            } catch (SQLException e) {
                throw new DebeziumCaptureException("cannot read the definition of " + schema + "." + table
                        + " from the source's information_schema at " + jdbcUrl + " as " + user + ": " + e.getMessage()
                        + ". The capture needs SELECT on the captured tables to learn column types.", e);
            }
        }
    }

    private Shape query(String schema, String table) throws SQLException {
        Connection c = connection();
        List<ColumnInfo> cols = new ArrayList<>();
        try (PreparedStatement st = c.prepareStatement("SELECT COLUMN_NAME, DATA_TYPE, COLUMN_TYPE, CHARACTER_SET_NAME,"
                + " NUMERIC_PRECISION, NUMERIC_SCALE, DATETIME_PRECISION, CHARACTER_OCTET_LENGTH"
                + " FROM information_schema.COLUMNS WHERE TABLE_SCHEMA = ? AND TABLE_NAME = ? ORDER BY ORDINAL_POSITION")) {
            st.setString(1, schema);
            st.setString(2, table);
            try (ResultSet rs = st.executeQuery()) {
                while (rs.next()) {
                    cols.add(column(schema + "." + table, rs));
                }
            }
        }
        if (cols.isEmpty()) {
            throw new DebeziumCaptureException("the source has no table " + schema + "." + table
                    + " (dropped or renamed since the change event was written?); its change events cannot be typed."
                    + " Recreate it, or exclude it from capture.");
        }
        List<String> pk = new ArrayList<>();
        try (PreparedStatement st = c.prepareStatement("SELECT COLUMN_NAME FROM information_schema.KEY_COLUMN_USAGE"
                + " WHERE TABLE_SCHEMA = ? AND TABLE_NAME = ? AND CONSTRAINT_NAME = 'PRIMARY' ORDER BY ORDINAL_POSITION")) {
            st.setString(1, schema);
            st.setString(2, table);
            try (ResultSet rs = st.executeQuery()) {
                while (rs.next()) {
                    pk.add(rs.getString(1));
                }
            }
        }
        List<Column> defs = cols.stream().map(ColumnInfo::column).toList();
        return new Shape(new TableDef(schema, table, defs, pk), List.copyOf(cols));
    }

    private static ColumnInfo column(String table, ResultSet rs) throws SQLException {
        String name = rs.getString(1);
        String dataType = rs.getString(2).toLowerCase(java.util.Locale.ROOT);
        String columnType = rs.getString(3).toLowerCase(java.util.Locale.ROOT);
        SqlType type = typeFor(dataType, table + "." + name);
        long octets = rs.getLong(8);
        int length = type == SqlType.BIT ? (int) rs.getLong(5) : (int) Math.min(octets, Integer.MAX_VALUE);
        return column(name, type, columnType.contains("unsigned"), rs.getString(4), rs.getInt(6), rs.getInt(7), length,
                null);
    }

    /** A column as BinlogCapture describes it: charsets only on character types, YEAR unsigned as in the binlog. */
    private static ColumnInfo column(String name, SqlType type, boolean unsigned, String charset, int scale, int fsp,
                                     int length, String tableCharset) {
        boolean character = type == SqlType.CHAR || type == SqlType.VARCHAR || type == SqlType.TEXT
                || type == SqlType.ENUM || type == SqlType.SET;
        if (!character || "binary".equals(charset)) {
            charset = null;
        } else if (charset == null) {
            charset = tableCharset;
        }
        unsigned |= type == SqlType.YEAR; // the binlog's signedness metadata marks YEAR unsigned
        return new ColumnInfo(new Column(name, type, unsigned, charset),
                type == SqlType.DECIMAL ? scale : 0, type.isTemporal() ? fsp : 0,
                type == SqlType.BIT || type == SqlType.BINARY ? length : 0);
    }

    private static SqlType typeFor(String dataType, String where) {
        return switch (dataType) {
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
            default -> throw new DebeziumCaptureException("column " + where + " has type " + dataType
                    + ", which the Debezium capture does not support; exclude the table or change the column type");
        };
    }

    private Connection connection() throws SQLException {
        if (connection == null || connection.isClosed()) {
            connection = DriverManager.getConnection(jdbcUrl, user, password);
        }
        return connection;
    }

    private void closeQuietly() {
        try {
            if (connection != null) {
                connection.close();
            }
        } catch (SQLException ignored) {
            // the connection is being replaced anyway
        }
        connection = null;
    }

    @Override
    public void close() {
        closeQuietly();
    }
}
