package io.paraverse.clone;

import java.math.BigDecimal;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Types;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * Writes rows read by a {@link TableCopyPlan} to the target as multi-row statements of at most
 * {@link #MAX_STATEMENT_BYTES}: plain {@code INSERT} for a snapshot copy into empty tables, or
 * {@code INSERT ... ON DUPLICATE KEY UPDATE} (every column) where rows may already be there.
 */
final class RowWriter {
    static final long MAX_STATEMENT_BYTES = 4L << 20;

    private final String head;
    private final String tuple;
    private final String upsertTail;

    RowWriter(TableCopyPlan plan, boolean upsert) {
        this.head = "INSERT INTO " + plan.table().quoted() + " (" + plan.columnList() + ") VALUES ";
        this.tuple = "(" + String.join(",", Collections.nCopies(plan.columns().size(), "?")) + ")";
        if (upsert) {
            List<String> set = new ArrayList<>();
            for (TableCopyPlan.CopyColumn c : plan.columns()) {
                String q = TableRef.quote(c.name());
                set.add(q + "=VALUES(" + q + ")");
            }
            this.upsertTail = " ON DUPLICATE KEY UPDATE " + String.join(",", set);
        } else {
            this.upsertTail = "";
        }
    }

    void write(Connection c, List<Object[]> rows) throws SQLException {
        int from = 0;
        while (from < rows.size()) {
            int to = from;
            long bytes = head.length() + upsertTail.length();
            while (to < rows.size()) {
                long rowBytes = tuple.length();
                for (Object v : rows.get(to)) {
                    rowBytes += size(v);
                }
                if (to > from && bytes + rowBytes > MAX_STATEMENT_BYTES) {
                    break;
                }
                bytes += rowBytes;
                to++;
            }
            String sql = head + String.join(",", Collections.nCopies(to - from, tuple)) + upsertTail;
            try (PreparedStatement ps = c.prepareStatement(sql)) {
                int param = 1;
                for (int r = from; r < to; r++) {
                    for (Object v : rows.get(r)) {
                        if (v == null) {
                            ps.setNull(param++, Types.NULL);
                        } else if (v instanceof byte[] b) {
                            ps.setBytes(param++, b);
                        } else if (v instanceof BigDecimal d) {
                            ps.setBigDecimal(param++, d);
                        } else {
                            ps.setString(param++, (String) v);
                        }
                    }
                }
                ps.executeUpdate();
            }
            from = to;
        }
    }

    private static long size(Object v) {
        if (v == null) {
            return 4;
        }
        if (v instanceof byte[] b) {
            return 2L * b.length + 10;
        }
        return 2L * v.toString().length() + 4;
    }
}
