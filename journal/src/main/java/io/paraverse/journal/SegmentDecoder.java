package io.paraverse.journal;

import io.paraverse.translator.TableDef;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Turns the raw records of one segment, read from its start, into journal entries: collects its TABLE records so
 * rows can resolve their table ids, and checks that sequence numbers run on without gaps. Anything inconsistent
 * is corruption at the record's offset.
 */
final class SegmentDecoder {
    private final Path path;
    private final List<TableDef> tables = new ArrayList<>();
    private long nextSeq;

    SegmentDecoder(Path path, long firstSeq) {
        this.path = path;
        this.nextSeq = firstSeq;
    }

    /** The sequence number the next row or commit must have. */
    long nextSeq() {
        return nextSeq;
    }

    /** Tables defined so far, by id. */
    List<TableDef> tables() {
        return tables;
    }

    /**
     * The entry of a row or commit record, or null for a table record or when {@code skip} is set (the record is
     * still checked, just not decoded: readers skip rows before their start this way).
     */
    JournalEntry decode(RawRecord r, boolean skip) {
        if (r.seq != nextSeq) {
            throw new JournalCorruptException(path, r.offset, RecordFormat.typeName(r.type) + " record has seq "
                    + r.seq + " where seq " + nextSeq + " was expected");
        }
        try {
            switch (r.type) {
                case RecordFormat.TABLE:
                    defineTable(r);
                    return null;
                case RecordFormat.ROW:
                    nextSeq++;
                    return skip ? null : checkConsumed(r, new JournalEntry.Row(r.seq,
                            RowChangeCodec.decodeRow(r.body, this::table)));
                case RecordFormat.COMMIT:
                    nextSeq++;
                    return skip ? null : checkConsumed(r, new JournalEntry.TxCommit(r.seq,
                            RowChangeCodec.decodeCommit(r.body)));
                default:
                    throw new IllegalArgumentException("unknown record type " + r.type);
            }
        } catch (JournalCorruptException e) {
            throw e;
        } catch (RuntimeException e) {
            throw new JournalCorruptException(path, r.offset, "cannot decode " + RecordFormat.typeName(r.type)
                    + " record seq " + r.seq + " although its checksum is valid (" + e + ")");
        }
    }

    private void defineTable(RawRecord r) {
        long id = RowChangeCodec.readVarLong(r.body);
        if (id != tables.size()) {
            throw new JournalCorruptException(path, r.offset, "table record defines id " + id + " where id "
                    + tables.size() + " was expected");
        }
        tables.add(RowChangeCodec.decodeTableDef(r.body));
        checkConsumed(r, null);
    }

    private TableDef table(int id) {
        return id < tables.size() ? tables.get(id) : null;
    }

    private <T> T checkConsumed(RawRecord r, T entry) {
        if (r.body.hasRemaining()) {
            throw new IllegalArgumentException(r.body.remaining() + " unexpected bytes after the record's content");
        }
        return entry;
    }
}
