package io.paraverse.journal;

import io.paraverse.translator.Column;
import io.paraverse.translator.Commit;
import io.paraverse.translator.RowChange;
import io.paraverse.translator.SourcePosition;
import io.paraverse.translator.SqlType;
import io.paraverse.translator.TableDef;

import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.List;

/** Change fixtures, and a writer of whole transactions that returns what readers must see. */
final class TestChanges {
    static final TableDef ORDERS = new TableDef("shop", "orders", List.of(
            Column.of("id", SqlType.BIGINT),
            new Column("customer", SqlType.VARCHAR, false, "utf8mb4"),
            Column.of("amount", SqlType.DECIMAL),
            new Column("note", SqlType.TEXT, false, "utf8mb4")), List.of("id"));

    static final TableDef ITEMS = new TableDef("shop", "items", List.of(
            Column.of("order_id", SqlType.BIGINT),
            Column.of("line", SqlType.INT),
            Column.of("sku", SqlType.VARBINARY)), List.of("order_id", "line"));

    private TestChanges() {
    }

    static SourcePosition position(long tx, long pos) {
        return new SourcePosition("0-1-" + tx, "0-1-" + tx, "mariadb-bin.000001", pos);
    }

    static RowChange order(long tx, long id) {
        return new RowChange(ORDERS, RowChange.Op.INSERT, null,
                new Object[] {id, "customer " + id, new BigDecimal("12.50").add(BigDecimal.valueOf(id)), "note ✓ " + tx},
                position(tx, 1000 + id), 1_700_000_000_000L + tx * 1000);
    }

    static RowChange item(long tx, long orderId, long line) {
        return new RowChange(ITEMS, RowChange.Op.INSERT, null,
                new Object[] {orderId, line, new byte[] {(byte) line, 0, -1}}, position(tx, 5000 + line),
                1_700_000_000_000L + tx * 1000);
    }

    static Commit commit(long tx) {
        return new Commit(position(tx, 9000 + tx), 1_700_000_000_000L + tx * 1000);
    }

    /** Writes transaction {@code tx} of {@code rows} order rows and returns the entries a reader must see. */
    static List<JournalEntry> writeTx(JournalWriter w, long tx, int rows) {
        List<JournalEntry> out = new ArrayList<>();
        for (int i = 0; i < rows; i++) {
            RowChange c = order(tx, tx * 100 + i);
            out.add(new JournalEntry.Row(w.append(c), c));
        }
        Commit c = commit(tx);
        out.add(new JournalEntry.TxCommit(w.commit(c), c));
        return out;
    }

    /** Writes transactions {@code fromTx..toTx} (inclusive), alternating 1..4 rows. */
    static List<JournalEntry> writeTxs(JournalWriter w, long fromTx, long toTx) {
        List<JournalEntry> out = new ArrayList<>();
        for (long tx = fromTx; tx <= toTx; tx++) {
            out.addAll(writeTx(w, tx, (int) (tx % 4) + 1));
        }
        return out;
    }
}
