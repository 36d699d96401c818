package io.paraverse.journal.kafka;

import io.paraverse.journal.Journal;
import io.paraverse.journal.JournalEntry;
import io.paraverse.journal.JournalReader;
import io.paraverse.journal.JournalWriter;
import io.paraverse.translator.Column;
import io.paraverse.translator.Commit;
import io.paraverse.translator.RowChange;
import io.paraverse.translator.SourcePosition;
import io.paraverse.translator.SqlType;
import io.paraverse.translator.TableDef;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** Change fixtures with values that only an exact encoding keeps, and helpers to write and read them back. */
final class Changes {
    static final TableDef ORDERS = new TableDef("shop", "orders", List.of(
            Column.of("id", SqlType.BIGINT),
            new Column("customer", SqlType.VARCHAR, false, "utf8mb4"),
            Column.of("amount", SqlType.DECIMAL),
            Column.of("ratio", SqlType.DOUBLE),
            Column.of("weight", SqlType.FLOAT),
            new Column("big", SqlType.BIGINT, true, null),
            Column.of("blob", SqlType.VARBINARY),
            new Column("note", SqlType.TEXT, false, "utf8mb4")), List.of("id"));

    static final TableDef ITEMS = new TableDef("shop", "items", List.of(
            Column.of("order_id", SqlType.BIGINT),
            Column.of("line", SqlType.INT)), List.of("order_id", "line"));

    private Changes() {
    }

    static SourcePosition position(long tx, long pos) {
        return new SourcePosition("0-1-" + tx, "0-1-" + tx, "mariadb-bin.000001", pos);
    }

    /** A row whose values exercise the codec: NaN and -0.0, BigDecimal scale, unsigned BIGINT, byte[], nulls. */
    static RowChange order(long tx, long id) {
        Object[] after = {id, "customer " + id + " \uD83D\uDE00", new BigDecimal("12.500").add(BigDecimal.valueOf(id)),
                id % 3 == 0 ? Double.NaN : id % 3 == 1 ? -0.0d : id / 7.0, (float) id / 3,
                new BigInteger("18446744073709551615"), id % 2 == 0 ? new byte[0] : new byte[] {(byte) id, 0, -1},
                id % 5 == 0 ? null : "note \uD800 unpaired " + tx};
        return new RowChange(ORDERS, RowChange.Op.INSERT, null, after, position(tx, 1000 + id), 1_700_000_000_000L + tx);
    }

    static RowChange itemUpdate(long tx, long orderId) {
        return new RowChange(ITEMS, RowChange.Op.UPDATE, new Object[] {orderId, 1L}, new Object[] {orderId, 2L},
                position(tx, 5000), 1_700_000_000_000L + tx);
    }

    static Commit commit(long tx) {
        return new Commit(position(tx, 9000 + tx), 1_700_000_000_000L + tx);
    }

    /** Writes transaction {@code tx} with {@code rows} rows and returns the entries a reader must see. */
    static List<JournalEntry> writeTx(JournalWriter w, long tx, int rows) {
        List<JournalEntry> out = new ArrayList<>();
        for (int i = 0; i < rows; i++) {
            RowChange c = i % 4 == 3 ? itemUpdate(tx, tx * 1000 + i) : order(tx, tx * 1000 + i);
            out.add(new JournalEntry.Row(w.append(c), c));
        }
        Commit c = commit(tx);
        out.add(new JournalEntry.TxCommit(w.commit(c), c));
        return out;
    }

    /** Transactions {@code fromTx..toTx} (inclusive) of 0..4 rows. */
    static List<JournalEntry> writeTxs(JournalWriter w, long fromTx, long toTx) {
        List<JournalEntry> out = new ArrayList<>();
        for (long tx = fromTx; tx <= toTx; tx++) {
            out.addAll(writeTx(w, tx, (int) (tx % 5)));
        }
        return out;
    }

    /** Reads entries after {@code afterSeq} until {@code idleMillis} pass without one. */
    static List<JournalEntry> readAll(Journal j, long afterSeq, long idleMillis) throws InterruptedException {
        List<JournalEntry> out = new ArrayList<>();
        try (JournalReader r = j.readAfter(afterSeq)) {
            JournalEntry e;
            while ((e = r.poll(idleMillis, TimeUnit.MILLISECONDS)) != null) {
                out.add(e);
            }
        }
        return out;
    }
}
