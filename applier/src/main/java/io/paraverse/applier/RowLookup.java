package io.paraverse.applier;

import io.paraverse.translator.TargetTable;

import java.math.BigInteger;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.sql.Types;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Optional;

/**
 * Reads one target row by key for {@link io.paraverse.translator.TranslationContext#lookup}, with values converted
 * to the change model's Java types ({@link io.paraverse.translator.SqlType}): integers as Long (BIGINT UNSIGNED as
 * BigInteger), DECIMAL as BigDecimal, FLOAT/DOUBLE as Float/Double, BIT as Long, temporal values as the server's
 * text (UTC session), binary as byte[], everything else as String. Apply thread only.
 */
final class RowLookup {
    private final HashMap<TargetTable, String> sql = new HashMap<>();

    Optional<List<Object>> find(TargetSession s, TargetTable t, List<Object> keyValues) throws SQLException {
        PreparedStatement ps = s.prepare(sql.computeIfAbsent(t, RowLookup::selectSql));
        for (int i = 0; i < keyValues.size(); i++) {
            Values.bind(ps, i + 1, keyValues.get(i));
        }
        try (ResultSet rs = ps.executeQuery()) {
            if (!rs.next()) {
                return Optional.empty();
            }
            ResultSetMetaData md = rs.getMetaData();
            Object[] row = new Object[t.columns().size()];
            for (int i = 0; i < row.length; i++) {
                row[i] = value(rs, md, i + 1);
            }
            return Optional.of(java.util.Collections.unmodifiableList(Arrays.asList(row)));
        }
    }

    private static String selectSql(TargetTable t) {
        List<String> cols = new ArrayList<>();
        for (String c : t.columns()) {
            cols.add(Sql.quote(c));
        }
        StringBuilder where = new StringBuilder();
        for (int i = 0; i < t.key().size(); i++) {
            where.append(i > 0 ? " AND " : "").append(Sql.quote(t.key().get(i))).append(" = ?");
        }
        return "SELECT " + String.join(", ", cols) + " FROM " + Sql.quote(t.schema()) + "." + Sql.quote(t.table())
                + " WHERE " + where;
    }

    private static Object value(ResultSet rs, ResultSetMetaData md, int i) throws SQLException {
        Object v;
        String typeName = md.getColumnTypeName(i).toUpperCase(java.util.Locale.ROOT);
        switch (md.getColumnType(i)) {
            case Types.TINYINT, Types.SMALLINT, Types.INTEGER, Types.BIGINT, Types.BIT, Types.BOOLEAN -> {
                if (typeName.startsWith("BIGINT") && typeName.contains("UNSIGNED")) {
                    java.math.BigDecimal d = rs.getBigDecimal(i);
                    v = d == null ? null : d.toBigInteger();
                } else {
                    long l = rs.getLong(i);
                    v = rs.wasNull() ? null : l;
                }
            }
            case Types.DECIMAL, Types.NUMERIC -> v = rs.getBigDecimal(i);
            case Types.REAL, Types.FLOAT -> {
                float f = rs.getFloat(i);
                v = rs.wasNull() ? null : f;
            }
            case Types.DOUBLE -> {
                double d = rs.getDouble(i);
                v = rs.wasNull() ? null : d;
            }
            case Types.BINARY, Types.VARBINARY, Types.LONGVARBINARY, Types.BLOB -> v = rs.getBytes(i);
            default -> {
                if (typeName.startsWith("YEAR")) {
                    long l = rs.getLong(i);
                    v = rs.wasNull() ? null : l;
                } else {
                    v = rs.getString(i);
                }
            }
        }
        return v instanceof BigInteger b && b.bitLength() < 64 && !typeName.contains("UNSIGNED") ? b.longValue() : v;
    }
}
