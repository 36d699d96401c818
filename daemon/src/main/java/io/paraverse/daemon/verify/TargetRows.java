package io.paraverse.daemon.verify;

import io.paraverse.daemon.check.SnapshotChanges;
import io.paraverse.translator.Column;
import io.paraverse.translator.TableDef;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Reads the clone's rows, read-only, in the change model's values: by key, by key range, and keys only (for the
 * scan for extra rows). Rows come back as all columns of the table in table order.
 */
final class TargetRows {
    private static final int KEYS_PER_QUERY = 200;

    private final Connection c;
    private final Map<String, TableDef> defs = new HashMap<>();

    TargetRows(Connection c) {
        this.c = c;
    }

    /** The target table's shape (cached); a missing table is an error naming it. */
    TableDef def(String schema, String table) throws SQLException {
        String name = schema + "." + table;
        TableDef d = defs.get(name);
        if (d == null) {
            try {
                d = SnapshotChanges.tableDef(c, schema, table, schema);
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("target table " + name + " does not exist on the clone, but the translators write it");
            }
            defs.put(name, d);
        }
        return d;
    }

    static List<Column> columns(TableDef def, List<String> names) {
        List<Column> out = new ArrayList<>();
        for (String n : names) {
            int i = def.indexOf(n);
            if (i < 0) {
                throw new IllegalArgumentException("column " + n + " is not a column of target table " + def.qualifiedName()
                        + " (a translator writes it)");
            }
            out.add(def.columns().get(i));
        }
        return out;
    }

    /** The rows with these keys (values of {@code keyColumns}), by canonical key. */
    Map<RowKey, Object[]> byKeys(TableDef def, List<String> keyColumns, List<List<Object>> keys) throws SQLException {
        Map<RowKey, Object[]> out = new LinkedHashMap<>();
        List<Column> kc = columns(def, keyColumns);
        for (int from = 0; from < keys.size(); from += KEYS_PER_QUERY) {
            List<List<Object>> part = keys.subList(from, Math.min(keys.size(), from + KEYS_PER_QUERY));
            try (PreparedStatement ps = c.prepareStatement(select(def) + " WHERE " + Sql.anyOf(keyColumns, part.size()))) {
                int p = 1;
                for (List<Object> k : part) {
                    for (Object v : k) {
                        Sql.bind(ps, p++, v);
                    }
                }
                read(ps, def, keyColumns, kc, out);
            }
        }
        return out;
    }

    /** The rows whose key is after {@code after} (null: from the first) and at or before {@code upTo} (null: no end). */
    Map<RowKey, Object[]> range(TableDef def, List<String> keyColumns, List<Object> after, List<Object> upTo) throws SQLException {
        List<String> where = new ArrayList<>();
        if (after != null) {
            where.add(Sql.after(keyColumns));
        }
        if (upTo != null) {
            where.add(Sql.upTo(keyColumns));
        }
        String sql = select(def) + (where.isEmpty() ? "" : " WHERE " + String.join(" AND ", where));
        Map<RowKey, Object[]> out = new LinkedHashMap<>();
        try (PreparedStatement ps = c.prepareStatement(sql)) {
            int p = 1;
            if (after != null) {
                p = Sql.bindAfter(ps, p, after);
            }
            if (upTo != null) {
                Sql.bindUpTo(ps, p, upTo);
            }
            read(ps, def, keyColumns, columns(def, keyColumns), out);
        }
        return out;
    }

    /** Up to {@code n} keys after {@code after} (null: from the first), in key order: the scan for extra rows. */
    List<List<Object>> keysAfter(TableDef def, List<String> keyColumns, List<Object> after, int n) throws SQLException {
        List<Column> kc = columns(def, keyColumns);
        String sql = "SELECT " + String.join(",", kc.stream().map(SnapshotChanges::selectExpression).toList()) + " FROM "
                + Sql.table(def.schema(), def.table()) + (after == null ? "" : " WHERE " + Sql.after(keyColumns))
                + " ORDER BY " + String.join(",", keyColumns.stream().map(Sql::quote).toList()) + " LIMIT " + n;
        List<List<Object>> out = new ArrayList<>();
        try (PreparedStatement ps = c.prepareStatement(sql)) {
            if (after != null) {
                Sql.bindAfter(ps, 1, after);
            }
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    Object[] k = new Object[kc.size()];
                    for (int i = 0; i < k.length; i++) {
                        k[i] = SnapshotChanges.value(rs, i + 1, kc.get(i));
                    }
                    out.add(Arrays.asList(k));
                }
            }
        }
        return out;
    }

    private static String select(TableDef def) {
        return "SELECT " + String.join(",", def.columns().stream().map(SnapshotChanges::selectExpression).toList())
                + " FROM " + Sql.table(def.schema(), def.table());
    }

    private static void read(PreparedStatement ps, TableDef def, List<String> keyColumns, List<Column> kc,
                             Map<RowKey, Object[]> out) throws SQLException {
        int[] keyAt = new int[keyColumns.size()];
        for (int i = 0; i < keyAt.length; i++) {
            keyAt[i] = def.indexOf(keyColumns.get(i));
        }
        try (ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
                Object[] row = new Object[def.columns().size()];
                for (int i = 0; i < row.length; i++) {
                    row[i] = SnapshotChanges.value(rs, i + 1, def.columns().get(i));
                }
                Object[] k = new Object[keyAt.length];
                for (int i = 0; i < k.length; i++) {
                    k[i] = row[keyAt[i]];
                }
                out.put(RowKey.of(Arrays.asList(k), kc), row);
            }
        }
    }
}
