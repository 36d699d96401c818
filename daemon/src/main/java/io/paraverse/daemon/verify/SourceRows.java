package io.paraverse.daemon.verify;

import io.paraverse.daemon.check.SnapshotChanges;
import io.paraverse.translator.Column;
import io.paraverse.translator.TableDef;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Reads one production table in the change model's values (as capture would have delivered them, so translators see
 * what they see in a change): keyset chunks in primary-key order ({@code WHERE (k1 > ?) OR (k1 = ? AND k2 > ?) ...
 * ORDER BY k LIMIT n}, an index range scan), rows by key, and single rows for sampling. Every read is counted by
 * the rate limiter, which may sleep.
 */
final class SourceRows {
    private static final int KEYS_PER_QUERY = 200;

    private final Connection c;
    private final TableDef def;
    private final RowRateLimiter limiter;
    private final String select;
    private final String order;
    private final int[] keyAt;
    private final List<Column> keyColumns = new ArrayList<>();

    SourceRows(Connection c, String schema, String table, RowRateLimiter limiter) throws SQLException {
        this.c = c;
        this.def = SnapshotChanges.tableDef(c, schema, table, schema);
        this.limiter = limiter;
        List<String> cols = new ArrayList<>();
        for (Column col : def.columns()) {
            cols.add(SnapshotChanges.selectExpression(col));
        }
        this.select = "SELECT " + String.join(",", cols) + " FROM " + Sql.table(schema, table);
        this.order = " ORDER BY " + String.join(",", def.primaryKey().stream().map(Sql::quote).toList());
        this.keyAt = def.keyIndexes();
        for (int i : keyAt) {
            keyColumns.add(def.columns().get(i));
        }
    }

    TableDef def() { return def; }

    List<Column> keyColumns() { return keyColumns; }

    List<Object> keyOf(Object[] row) {
        Object[] k = new Object[keyAt.length];
        for (int i = 0; i < k.length; i++) {
            k[i] = row[keyAt[i]];
        }
        return Arrays.asList(k);
    }

    RowKey rowKey(List<Object> key) {
        return RowKey.of(key, keyColumns);
    }

    /** Up to {@code n} rows after {@code afterKey} (null: from the first), in key order. */
    List<Object[]> after(List<Object> afterKey, int n) throws SQLException, InterruptedException {
        String sql = select + (afterKey == null ? "" : " WHERE " + Sql.after(def.primaryKey())) + order + " LIMIT " + n;
        try (PreparedStatement ps = c.prepareStatement(sql)) {
            if (afterKey != null) {
                Sql.bindAfter(ps, 1, afterKey);
            }
            return rows(ps);
        }
    }

    /** The rows with these keys that exist now (any order). */
    List<Object[]> byKeys(List<List<Object>> keys) throws SQLException, InterruptedException {
        List<Object[]> out = new ArrayList<>();
        for (int from = 0; from < keys.size(); from += KEYS_PER_QUERY) {
            List<List<Object>> part = keys.subList(from, Math.min(keys.size(), from + KEYS_PER_QUERY));
            try (PreparedStatement ps = c.prepareStatement(select + " WHERE " + Sql.anyOf(def.primaryKey(), part.size()))) {
                int p = 1;
                for (List<Object> k : part) {
                    for (Object v : k) {
                        Sql.bind(ps, p++, v);
                    }
                }
                out.addAll(rows(ps));
            }
        }
        return out;
    }

    /** The first row whose first key column is at least {@code value}, or null. */
    Object[] firstAtOrAfter(Object value) throws SQLException, InterruptedException {
        try (PreparedStatement ps = c.prepareStatement(select + " WHERE " + Sql.quote(def.primaryKey().get(0)) + ">=?" + order + " LIMIT 1")) {
            Sql.bind(ps, 1, value);
            List<Object[]> r = rows(ps);
            return r.isEmpty() ? null : r.get(0);
        }
    }

    /** The row at this position in key order, or null. */
    Object[] atOffset(long offset) throws SQLException, InterruptedException {
        try (PreparedStatement ps = c.prepareStatement(select + order + " LIMIT 1 OFFSET " + offset)) {
            List<Object[]> r = rows(ps);
            return r.isEmpty() ? null : r.get(0);
        }
    }

    /** MIN and MAX of the first key column (nulls when the table is empty). */
    Object[] firstKeyRange() throws SQLException, InterruptedException {
        String k = Sql.quote(def.primaryKey().get(0));
        try (Statement st = c.createStatement();
             ResultSet rs = st.executeQuery("SELECT MIN(" + k + "), MAX(" + k + ") FROM " + Sql.table(def.schema(), def.table()))) {
            rs.next();
            limiter.read(1);
            Column col = keyColumns.get(0);
            return new Object[] {SnapshotChanges.value(rs, 1, col), SnapshotChanges.value(rs, 2, col)};
        }
    }

    /** The server's row estimate (information_schema), cheap and approximate. */
    long estimatedRows() throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT TABLE_ROWS FROM information_schema.TABLES WHERE TABLE_SCHEMA=? AND TABLE_NAME=?")) {
            ps.setString(1, def.schema());
            ps.setString(2, def.table());
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? rs.getLong(1) : 0;
            }
        }
    }

    /** Exact row count: reads the whole primary index (only used for small tables). */
    long count() throws SQLException, InterruptedException {
        try (Statement st = c.createStatement(); ResultSet rs = st.executeQuery("SELECT COUNT(*) FROM " + Sql.table(def.schema(), def.table()))) {
            rs.next();
            long n = rs.getLong(1);
            limiter.read(n);
            return n;
        }
    }

    private List<Object[]> rows(PreparedStatement ps) throws SQLException, InterruptedException {
        List<Object[]> out = new ArrayList<>();
        int n = def.columns().size();
        try (ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
                Object[] row = new Object[n];
                for (int i = 0; i < n; i++) {
                    row[i] = SnapshotChanges.value(rs, i + 1, def.columns().get(i));
                }
                out.add(row);
            }
        }
        limiter.read(out.size());
        return out;
    }

    static void utcSession(Connection c) throws SQLException {
        try (Statement st = c.createStatement()) {
            st.execute("SET SESSION time_zone='+00:00'"); // TIMESTAMPs as UTC text, as capture and the applier have them
        }
    }
}
