package io.paraverse.capture.debezium;

import io.paraverse.translator.Column;
import io.paraverse.translator.SqlType;
import io.paraverse.translator.TableDef;

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
        String charset = rs.getString(4);
        long precision = rs.getLong(5);
        int scale = rs.getInt(6);
        int fsp = rs.getInt(7);
        long octets = rs.getLong(8);
        boolean unsigned = columnType.contains("unsigned");
        SqlType type = switch (dataType) {
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
            default -> throw new DebeziumCaptureException("column " + table + "." + name + " has type " + columnType
                    + ", which the Debezium capture does not support; exclude the table or change the column type");
        };
        if (type.isBinary() || "binary".equals(charset)) {
            charset = null;
        }
        if (!(type == SqlType.CHAR || type == SqlType.VARCHAR || type == SqlType.TEXT || type == SqlType.ENUM
                || type == SqlType.SET)) {
            charset = null;
        }
        int length = type == SqlType.BIT ? (int) precision : type == SqlType.BINARY ? (int) octets : 0;
        // the binlog's signedness metadata marks YEAR unsigned, and BinlogCapture reports it so
        unsigned |= type == SqlType.YEAR;
        return new ColumnInfo(new Column(name, type, unsigned, charset),
                type == SqlType.DECIMAL ? scale : 0, type.isTemporal() ? fsp : 0, length);
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
