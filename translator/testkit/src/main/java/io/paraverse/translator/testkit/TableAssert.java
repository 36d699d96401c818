package io.paraverse.translator.testkit;

import org.opentest4j.AssertionFailedError;

import java.math.BigDecimal;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Types;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Compares tables (or queries) on real servers and reports the rows that differ:
 * <pre>
 * tables differ: shop.customer (3 rows) vs shop2.customer_v (3 rows), ordered by id
 *   id=2: name 'Bob' vs 'Bobby'
 *   only in shop.customer: (id=3, name='Cy')
 *   only in shop2.customer_v: (id=4, name='Di')
 * </pre>
 * Values compare as the server renders them, except binary columns (by bytes) and decimals (by value, so 1.50
 * equals 1.5). Rows are paired by the {@code orderBy} columns when those are result columns.
 */
public final class TableAssert {
    private static final int MAX_REPORTED = 20;

    private TableAssert() { }

    /** Fails unless {@code table1} and {@code table2} ("schema.table") hold the same rows in the same columns. */
    public static void assertTablesEqual(Connection conn1, String table1, Connection conn2, String table2, String orderBy) {
        String order = orderBy == null || orderBy.isBlank() ? "" : " ORDER BY " + orderBy;
        compare(conn1, table1, "SELECT * FROM " + TargetApplier.quoteTable(table1) + order,
                conn2, table2, "SELECT * FROM " + TargetApplier.quoteTable(table2) + order, orderBy);
    }

    /** Fails unless the two queries return the same columns and rows, in the same order. */
    public static void assertQueriesEqual(Connection conn1, String sql1, Connection conn2, String sql2) {
        compare(conn1, "query 1", sql1, conn2, "query 2", sql2, null);
    }

    /** The rows of a query, each value rendered as in the comparison (NULL as null, binary as 0x…). */
    public static List<List<String>> rows(Connection conn, String sql) {
        return read(conn, sql).rows;
    }

    private record Result(List<String> columns, List<List<String>> rows) { }

    private static void compare(Connection c1, String name1, String sql1, Connection c2, String name2, String sql2,
                                String orderBy) {
        Result a = read(c1, sql1);
        Result b = read(c2, sql2);
        if (!a.columns.equals(b.columns)) {
            throw new AssertionFailedError("columns differ: " + name1 + " has " + a.columns + ", " + name2 + " has "
                    + b.columns, a.columns, b.columns);
        }
        if (a.rows.equals(b.rows)) {
            return;
        }
        List<String> lines = new ArrayList<>();
        int[] keyCols = keyColumns(a.columns, orderBy);
        Map<List<String>, Integer> counts = new HashMap<>();
        b.rows.forEach(r -> counts.merge(r, 1, Integer::sum));
        List<List<String>> onlyA = new ArrayList<>();
        for (List<String> r : a.rows) {
            if (counts.merge(r, -1, Integer::sum) < 0) {
                onlyA.add(r);
            }
        }
        List<List<String>> onlyB = new ArrayList<>();
        Map<List<String>, Integer> left = new HashMap<>(counts);
        for (List<String> r : b.rows) {
            Integer n = left.get(r);
            if (n != null && n > 0) {
                onlyB.add(r);
                left.put(r, n - 1);
            }
        }
        if (keyCols.length > 0) { // same key on both sides: report the columns that differ
            Map<List<String>, List<String>> bByKey = new LinkedHashMap<>();
            onlyB.forEach(r -> bByKey.putIfAbsent(key(r, keyCols), r));
            for (var it = onlyA.iterator(); it.hasNext(); ) {
                List<String> r = it.next();
                List<String> other = bByKey.remove(key(r, keyCols));
                if (other != null) {
                    lines.add(pairs(a.columns, r, keyCols) + ": " + differences(a.columns, r, other));
                    onlyB.remove(other);
                    it.remove();
                }
            }
        }
        onlyA.forEach(r -> lines.add("only in " + name1 + ": " + row(a.columns, r)));
        onlyB.forEach(r -> lines.add("only in " + name2 + ": " + row(a.columns, r)));
        if (lines.isEmpty()) {
            lines.add("the same rows in a different order");
        }
        StringBuilder m = new StringBuilder((name1.startsWith("query") ? "query results differ: " : "tables differ: ")
                + name1 + " (" + a.rows.size() + " rows) vs " + name2 + " (" + b.rows.size() + " rows)"
                + (orderBy == null ? "" : ", ordered by " + orderBy));
        lines.stream().limit(MAX_REPORTED).forEach(l -> m.append("\n  ").append(l));
        if (lines.size() > MAX_REPORTED) {
            m.append("\n  … and ").append(lines.size() - MAX_REPORTED).append(" more");
        }
        throw new AssertionFailedError(m.toString(), text(a.rows), text(b.rows));
    }

    private static Result read(Connection c, String sql) {
        try (Statement st = c.createStatement(); ResultSet rs = st.executeQuery(sql)) {
            ResultSetMetaData md = rs.getMetaData();
            int n = md.getColumnCount();
            List<String> cols = new ArrayList<>(n);
            for (int i = 1; i <= n; i++) {
                cols.add(md.getColumnLabel(i));
            }
            List<List<String>> rows = new ArrayList<>();
            while (rs.next()) {
                List<String> row = new ArrayList<>(n);
                for (int i = 1; i <= n; i++) {
                    row.add(value(rs, md.getColumnType(i), i));
                }
                rows.add(row);
            }
            return new Result(cols, rows);
        } catch (SQLException e) {
            throw new IllegalStateException(sql + ": " + e.getMessage(), e);
        }
    }

    private static String value(ResultSet rs, int type, int i) throws SQLException {
        switch (type) {
            case Types.BINARY, Types.VARBINARY, Types.LONGVARBINARY, Types.BLOB -> {
                byte[] b = rs.getBytes(i);
                return b == null ? null : "0x" + HexFormat.of().formatHex(b);
            }
            case Types.DECIMAL, Types.NUMERIC -> {
                BigDecimal d = rs.getBigDecimal(i);
                return d == null ? null : d.signum() == 0 ? "0" : d.stripTrailingZeros().toPlainString();
            }
            default -> {
                return rs.getString(i);
            }
        }
    }

    /** Positions of the ORDER BY columns in the result, or none if any is an expression or not selected. */
    private static int[] keyColumns(List<String> columns, String orderBy) {
        if (orderBy == null || orderBy.isBlank()) {
            return new int[0];
        }
        String[] parts = orderBy.split(",");
        int[] idx = new int[parts.length];
        for (int i = 0; i < parts.length; i++) {
            String p = parts[i].trim().replaceAll("(?i)\\s+(asc|desc)$", "").replace("`", "");
            idx[i] = -1;
            for (int c = 0; c < columns.size(); c++) {
                if (columns.get(c).toLowerCase(Locale.ROOT).equals(p.toLowerCase(Locale.ROOT))) {
                    idx[i] = c;
                }
            }
            if (idx[i] < 0) {
                return new int[0];
            }
        }
        return idx;
    }

    private static List<String> key(List<String> row, int[] keyCols) {
        List<String> k = new ArrayList<>(keyCols.length);
        for (int c : keyCols) {
            k.add(row.get(c));
        }
        return k;
    }

    private static String pairs(List<String> columns, List<String> row, int[] cols) {
        List<String> out = new ArrayList<>();
        for (int c : cols) {
            out.add(columns.get(c) + "=" + show(row.get(c)));
        }
        return String.join(", ", out);
    }

    private static String differences(List<String> columns, List<String> a, List<String> b) {
        List<String> out = new ArrayList<>();
        for (int c = 0; c < columns.size(); c++) {
            if (!java.util.Objects.equals(a.get(c), b.get(c))) {
                out.add(columns.get(c) + " " + show(a.get(c)) + " vs " + show(b.get(c)));
            }
        }
        return String.join(", ", out);
    }

    private static String row(List<String> columns, List<String> row) {
        List<String> out = new ArrayList<>();
        for (int c = 0; c < columns.size(); c++) {
            out.add(columns.get(c) + "=" + show(row.get(c)));
        }
        return "(" + String.join(", ", out) + ")";
    }

    private static String show(String v) {
        return v == null ? "NULL" : v.startsWith("0x") || v.matches("-?[0-9.eE+-]+") ? v : "'" + v + "'";
    }

    private static String text(List<List<String>> rows) {
        StringBuilder b = new StringBuilder();
        rows.forEach(r -> b.append(r).append('\n'));
        return b.toString();
    }
}
