package io.paraverse.daemon.check;

import java.sql.Connection;
import java.sql.PreparedStatement;
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
import java.util.Map;
import java.util.Set;

/**
 * Compares two tables of the same shape row by row, rows matched by a chosen key (which may be a natural key when ids
 * legitimately differ) and some columns ignored: rows only on one side, and per matched row the columns that differ.
 * The left table is held in memory (keyed rows), the right one streamed.
 */
public final class TableDiff {
    /** The outcome for one table; {@code examples} holds the first differences, readable. */
    public record Report(String table, long leftRows, long rightRows, long onlyLeft, long onlyRight, long differing, List<String> examples) {
        public boolean equal() {
            return onlyLeft == 0 && onlyRight == 0 && differing == 0 && leftRows == rightRows;
        }

        @Override
        public String toString() {
            return table + ": " + (equal() ? "equal (" + leftRows + " rows)" : leftRows + " translated vs " + rightRows + " upgraded rows, "
                    + onlyLeft + " only translated, " + onlyRight + " only upgraded, " + differing + " differing" + examples);
        }
    }

    private static final int EXAMPLES = 10;

    private TableDiff() { }

    /**
     * @param leftName  what to call the left side in the report ("translated")
     * @param matchKey  columns that identify a row on both sides
     * @param ignore    columns not compared (ids that legitimately differ)
     */
    static Report compare(Connection c, String leftTable, String rightTable, String reportName, List<String> matchKey, Set<String> ignore)
            throws SQLException {
        List<String> columns = columns(c, rightTable);
        List<String> compared = new ArrayList<>();
        for (String col : columns) {
            if (!ignore.contains(col)) {
                compared.add(col);
            }
        }
        for (String k : matchKey) {
            if (!columns.contains(k)) {
                throw new IllegalArgumentException(reportName + ": match key column " + k + " is not a column of " + rightTable + " " + columns);
            }
        }
        Map<String, Map<String, String>> left = new HashMap<>();
        long leftRows = 0;
        long duplicates = 0;
        try (Statement st = c.createStatement(); ResultSet rs = st.executeQuery("SELECT * FROM " + leftTable)) {
            while (rs.next()) {
                leftRows++;
                Map<String, String> row = row(rs, compared);
                if (left.put(key(rs, matchKey), row) != null) {
                    duplicates++;
                }
            }
        }
        List<String> examples = new ArrayList<>();
        if (duplicates > 0) {
            examples.add(duplicates + " translated rows share a match key " + matchKey + ": choose a key that identifies one row");
        }
        long rightRows = 0;
        long onlyRight = 0;
        long differing = 0;
        try (Statement st = c.createStatement(); ResultSet rs = st.executeQuery("SELECT * FROM " + rightTable)) {
            while (rs.next()) {
                rightRows++;
                String k = key(rs, matchKey);
                Map<String, String> l = left.remove(k);
                if (l == null) {
                    onlyRight++;
                    example(examples, "only upgraded " + matchKey + "=" + k);
                    continue;
                }
                Map<String, String> r = row(rs, compared);
                if (!l.equals(r)) {
                    differing++;
                    List<String> cols = new ArrayList<>();
                    for (String col : compared) {
                        if (!java.util.Objects.equals(l.get(col), r.get(col))) {
                            cols.add(col + ": translated " + abbreviate(l.get(col)) + ", upgraded " + abbreviate(r.get(col)));
                        }
                    }
                    example(examples, matchKey + "=" + k + " differs in " + cols);
                }
            }
        }
        for (String k : left.keySet()) {
            example(examples, "only translated " + matchKey + "=" + k);
        }
        return new Report(reportName, leftRows, rightRows, left.size(), onlyRight, differing, examples);
    }

    private static void example(List<String> examples, String s) {
        if (examples.size() < EXAMPLES) {
            examples.add(s);
        }
    }

    private static String abbreviate(String s) {
        return s == null ? "NULL" : s.length() > 60 ? "'" + s.substring(0, 57) + "...'" : "'" + s + "'";
    }

    private static String key(ResultSet rs, List<String> matchKey) throws SQLException {
        StringBuilder b = new StringBuilder("(");
        for (int i = 0; i < matchKey.size(); i++) {
            b.append(i == 0 ? "" : ", ").append(text(rs, rs.findColumn(matchKey.get(i))));
        }
        return b.append(')').toString();
    }

    private static Map<String, String> row(ResultSet rs, List<String> columns) throws SQLException {
        Map<String, String> out = new LinkedHashMap<>();
        for (String col : columns) {
            out.put(col, text(rs, rs.findColumn(col)));
        }
        return out;
    }

    private static String text(ResultSet rs, int i) throws SQLException {
        int type = rs.getMetaData().getColumnType(i);
        if (type == Types.BINARY || type == Types.VARBINARY || type == Types.LONGVARBINARY || type == Types.BLOB) {
            byte[] b = rs.getBytes(i);
            return b == null ? null : "0x" + HexFormat.of().formatHex(b);
        }
        return rs.getString(i);
    }

    private static List<String> columns(Connection c, String table) throws SQLException {
        List<String> out = new ArrayList<>();
        try (PreparedStatement ps = c.prepareStatement("SELECT * FROM " + table + " LIMIT 0"); ResultSet rs = ps.executeQuery()) {
            ResultSetMetaData md = rs.getMetaData();
            for (int i = 1; i <= md.getColumnCount(); i++) {
                out.add(md.getColumnName(i));
            }
        }
        return out;
    }
}
