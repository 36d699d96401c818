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
 * Writes rows read by a {@link TableCopyPlan} to the target in bulk: plain {@code INSERT} for a snapshot copy into
 * empty tables, or {@code INSERT ... ON DUPLICATE KEY UPDATE} (every column) where rows may already be there.
 */
final class RowWriter {
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

    /**
     * Writes the rows as one single-row statement executed as a JDBC batch. On a connection from
     * {@link CloneEndpoint#connectForWrites()} (server-side prepare, bulk statements) the driver sends the whole batch as
     * MariaDB's COM_STMT_BULK_EXECUTE: the server parses the statement once and gets binary values, which measured here
     * costs the target about 30% less CPU per row than multi-row INSERT text (docs/BENCHMARKS.md).
     */
    void write(Connection c, List<Object[]> rows) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(head + tuple + upsertTail)) {
            for (Object[] row : rows) {
                int param = 1;
                for (Object v : row) {
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
                ps.addBatch();
            }
            ps.executeBatch();
        }
    }
}
