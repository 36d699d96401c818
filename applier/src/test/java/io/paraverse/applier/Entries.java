package io.paraverse.applier;

import io.paraverse.journal.JournalEntry;
import io.paraverse.translator.Commit;
import io.paraverse.translator.RowChange;
import io.paraverse.translator.SourcePosition;
import io.paraverse.translator.TableDef;

import java.util.ArrayList;
import java.util.List;

/** Builds a journal in memory: row changes with positions, then commits; sequence numbers from 1. */
final class Entries {
    static final String BINLOG = "mariadb-bin.000001";

    private final List<JournalEntry> list = new ArrayList<>();
    private long seq;
    private long tx = 1;
    private long pos = 256;
    private long time = 1_700_000_000_000L;

    Entries insert(TableDef t, Object... after) {
        return add(new RowChange(t, RowChange.Op.INSERT, null, after, position(), time));
    }

    Entries update(TableDef t, Object[] before, Object[] after) {
        return add(new RowChange(t, RowChange.Op.UPDATE, before, after, position(), time));
    }

    Entries delete(TableDef t, Object... before) {
        return add(new RowChange(t, RowChange.Op.DELETE, before, null, position(), time));
    }

    Entries commit() {
        pos += 31;
        list.add(new JournalEntry.TxCommit(++seq, new Commit(new SourcePosition(gtid(), gtid(), BINLOG, pos), time)));
        tx++;
        time += 1000;
        return this;
    }

    private Entries add(RowChange c) {
        list.add(new JournalEntry.Row(++seq, c));
        return this;
    }

    private SourcePosition position() {
        pos += 100;
        return new SourcePosition(gtid(), null, BINLOG, pos);
    }

    private String gtid() { return "0-1-" + tx; }

    /** The next row's binlog position (for asserting error messages). */
    long nextRowPos() { return pos + 100; }

    long lastSeq() { return seq; }

    String currentGtid() { return gtid(); }

    List<JournalEntry> list() { return list; }

    ListJournalReader reader() { return new ListJournalReader(list); }
}
