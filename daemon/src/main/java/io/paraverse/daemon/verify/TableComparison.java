package io.paraverse.daemon.verify;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;

/**
 * Proves two servers hold the same rows in the same-shaped tables: row count and {@code CHECKSUM TABLE ...
 * EXTENDED} per table on each side. For identity replication; cross-schema verification translates first.
 */
public final class TableComparison {

    /** One table's figures on both sides. */
    public record TableResult(String table, long sourceRows, long targetRows, long sourceChecksum, long targetChecksum) {
        public boolean equal() {
            return sourceRows == targetRows && sourceChecksum == targetChecksum;
        }

        @Override
        public String toString() {
            return String.format("%-28s rows %,d / %,d  checksum %d / %d  %s", table, sourceRows, targetRows,
                    sourceChecksum, targetChecksum, equal() ? "equal" : "DIFFERENT");
        }
    }

    /** Compares {@code schema.table} for each table on both connections. */
    public static List<TableResult> compare(Connection source, Connection target, String schema, List<String> tables)
            throws SQLException {
        List<TableResult> out = new ArrayList<>();
        for (String t : tables) {
            String q = "`" + schema + "`.`" + t + "`";
            out.add(new TableResult(schema + "." + t, count(source, q), count(target, q), checksum(source, q), checksum(target, q)));
        }
        return out;
    }

    public static boolean allEqual(List<TableResult> results) {
        return !results.isEmpty() && results.stream().allMatch(TableResult::equal);
    }

    private static long count(Connection c, String table) throws SQLException {
        try (Statement st = c.createStatement(); ResultSet rs = st.executeQuery("SELECT COUNT(*) FROM " + table)) {
            rs.next();
            return rs.getLong(1);
        }
    }

    private static long checksum(Connection c, String table) throws SQLException {
        try (Statement st = c.createStatement(); ResultSet rs = st.executeQuery("CHECKSUM TABLE " + table + " EXTENDED")) {
            rs.next();
            return rs.getLong(2);
        }
    }
}
