package io.paraverse.journal.kafka;

import io.paraverse.journal.ByteSink;
import io.paraverse.journal.JournalEntry;
import io.paraverse.journal.RowChangeCodec;
import io.paraverse.translator.Commit;
import io.paraverse.translator.RowChange;
import io.paraverse.translator.TableDef;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.header.Header;

import java.nio.BufferUnderflowException;
import java.nio.ByteBuffer;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.Map;

/**
 * One journal entry per Kafka record. The value is the file journal's record payload, {@code byte type | long seq |
 * body}, encoded by {@link RowChangeCodec} (ROW = 2, COMMIT = 3). A row's table definition travels in the record's
 * {@value #TABLE_HEADER} header (table id 0 in the row), so every record decodes alone: a reader may start at any
 * offset, and retention may delete any prefix. Batch compression removes most of the repetition.
 */
final class KafkaRecordCodec {
    static final String TABLE_HEADER = "pv-table";
    // same type codes as the file journal's RecordFormat
    static final byte ROW = 2;
    static final byte COMMIT = 3;

    private final ByteSink sink = new ByteSink(1024);
    /** Writer side: a table's encoded definition, computed once per TableDef instance. */
    private final Map<TableDef, byte[]> encodedTables = new IdentityHashMap<>();
    /** Reader side: decoded definitions by their bytes, so equal tables decode once and share one instance. */
    private final Map<ByteBuffer, TableDef> decodedTables = new HashMap<>();

    byte[] encodeRow(long seq, RowChange change) {
        sink.reset();
        sink.put(ROW);
        sink.putLong(seq);
        RowChangeCodec.encodeRow(change, 0, sink);
        byte[] value = sink.toByteArray();
        sink.shrinkTo(1 << 20);
        return value;
    }

    byte[] tableHeader(TableDef table) {
        if (encodedTables.size() > 10_000) {
            encodedTables.clear(); // capture makes new TableDef instances only on schema changes; bound it anyway
        }
        return encodedTables.computeIfAbsent(table, t -> {
            ByteSink s = new ByteSink(256);
            RowChangeCodec.encodeTableDef(t, s);
            return s.toByteArray();
        });
    }

    byte[] encodeCommit(long seq, Commit commit) {
        sink.reset();
        sink.put(COMMIT);
        sink.putLong(seq);
        RowChangeCodec.encodeCommit(commit, sink);
        return sink.toByteArray();
    }

    /** The seq of a record without decoding the rest. */
    static long seqOf(ConsumerRecord<byte[], byte[]> r, String where) {
        byte[] v = r.value();
        if (v == null || v.length < 9) {
            throw corrupt(where, r, "value of " + (v == null ? "null" : v.length + " bytes") + " is not a journal entry");
        }
        return ByteBuffer.wrap(v, 1, 8).getLong();
    }

    JournalEntry decode(ConsumerRecord<byte[], byte[]> r, String where) {
        long seq = seqOf(r, where);
        ByteBuffer in = ByteBuffer.wrap(r.value());
        try {
            byte type = in.get();
            in.getLong();
            JournalEntry entry;
            if (type == ROW) {
                TableDef table = table(r, where);
                entry = new JournalEntry.Row(seq, RowChangeCodec.decodeRow(in, id -> id == 0 ? table : null));
            } else if (type == COMMIT) {
                entry = new JournalEntry.TxCommit(seq, RowChangeCodec.decodeCommit(in));
            } else {
                throw corrupt(where, r, "unknown entry type " + type);
            }
            if (in.hasRemaining()) {
                throw corrupt(where, r, in.remaining() + " bytes left over after the entry");
            }
            return entry;
        } catch (IllegalArgumentException | BufferUnderflowException e) {
            throw corrupt(where, r, "cannot decode entry seq " + seq + ": " + e);
        }
    }

    private TableDef table(ConsumerRecord<byte[], byte[]> r, String where) {
        Header h = r.headers().lastHeader(TABLE_HEADER);
        if (h == null || h.value() == null) {
            throw corrupt(where, r, "row without its " + TABLE_HEADER + " header");
        }
        ByteBuffer key = ByteBuffer.wrap(h.value());
        TableDef def = decodedTables.get(key);
        if (def == null) {
            def = RowChangeCodec.decodeTableDef(ByteBuffer.wrap(h.value()));
            if (decodedTables.size() > 10_000) {
                decodedTables.clear();
            }
            decodedTables.put(key, def);
        }
        return def;
    }

    private static KafkaJournalCorruptException corrupt(String where, ConsumerRecord<byte[], byte[]> r, String what) {
        return new KafkaJournalCorruptException(where + " offset " + r.offset() + ": " + what
                + ". The topic holds something other than paraverse journal entries, or they are damaged;"
                + " nothing is skipped: restore the topic or start over from a fresh clone");
    }
}
