package io.paraverse.clone;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;

/**
 * Reads a table in primary-key order, one chunk of rows after a given key: {@code WHERE (k1 > ?) OR (k1 = ? AND k2 > ?)
 * ... ORDER BY k1, k2 LIMIT n}, a range every MariaDB/MySQL version turns into an index range scan.
 */
final class KeysetQuery {
    private final TableCopyPlan plan;
    private final int[] keyAt;
    private final String first;
    private final String next;
    private final String firstBounded;
    private final String nextBounded;

    /** @param lockSuffix appended to each query, e.g. {@code " FOR UPDATE"}, or "" */
    KeysetQuery(TableCopyPlan plan, int chunkRows, String lockSuffix) {
        String selectList = plan.selectList();
        this.plan = plan;
        this.keyAt = plan.keyPositions();
        List<String> pk = plan.primaryKey();
        String order = String.join(",", pk.stream().map(TableRef::quote).toList());
        String head = "SELECT " + selectList + " FROM " + plan.table().quoted();
        String tail = " ORDER BY " + order + " LIMIT " + chunkRows + lockSuffix;
        StringBuilder where = new StringBuilder(" WHERE ");
        for (int i = 0; i < pk.size(); i++) {
            where.append(i == 0 ? "(" : " OR (");
            for (int j = 0; j < i; j++) {
                where.append(TableRef.quote(pk.get(j))).append("=? AND ");
            }
            where.append(TableRef.quote(pk.get(i))).append(">?)");
        }
        this.first = head + tail;
        this.next = head + where + tail;
        String upper = pk.isEmpty() ? null : TableRef.quote(pk.get(0)) + "<=?";
        this.firstBounded = upper == null ? null : head + " WHERE " + upper + tail;
        this.nextBounded = upper == null ? null : head + " WHERE (" + where.substring(" WHERE ".length()) + ") AND " + upper + tail;
    }

    /**
     * Like {@link #read(Connection, Object[])}, but only rows whose first key column is at most {@code upperFirstKey}
     * (null = no upper bound): how a key range of a split table is read.
     */
    List<Object[]> readUpTo(Connection c, Object[] afterKey, Object upperFirstKey) throws SQLException {
        if (upperFirstKey == null) {
            return read(c, afterKey);
        }
        try (PreparedStatement q = c.prepareStatement(afterKey == null ? firstBounded : nextBounded)) {
            int param = 1;
            if (afterKey != null) {
                for (int i = 0; i < keyAt.length; i++) {
                    for (int j = 0; j <= i; j++) {
                        q.setObject(param++, afterKey[j]);
                    }
                }
            }
            q.setObject(param, upperFirstKey);
            List<Object[]> chunk = new ArrayList<>();
            try (ResultSet rs = q.executeQuery()) {
                while (rs.next()) {
                    chunk.add(plan.readRow(rs));
                }
            }
            return chunk;
        }
    }

    /** The rows after {@code afterKey} (the key values in primary-key order; null = from the start). */
    List<Object[]> read(Connection c, Object[] afterKey) throws SQLException {
        try (PreparedStatement q = c.prepareStatement(afterKey == null ? first : next)) {
            if (afterKey != null) {
                int param = 1;
                for (int i = 0; i < keyAt.length; i++) {
                    for (int j = 0; j <= i; j++) {
                        q.setObject(param++, afterKey[j]);
                    }
                }
            }
            List<Object[]> chunk = new ArrayList<>();
            try (ResultSet rs = q.executeQuery()) {
                while (rs.next()) {
                    chunk.add(plan.readRow(rs));
                }
            }
            return chunk;
        }
    }

    /** The primary-key values of a row read by this query, in key order. */
    Object[] keyOf(Object[] row) {
        Object[] key = new Object[keyAt.length];
        for (int i = 0; i < keyAt.length; i++) {
            key[i] = row[keyAt[i]];
        }
        return key;
    }
}
