package io.paraverse.journal.kafka;

import io.paraverse.journal.JournalEntry;
import io.paraverse.journal.JournalWriter;
import io.paraverse.translator.RowChange;

import java.util.ArrayList;
import java.util.List;

/**
 * A child JVM for {@link KafkaJournalTest}: journals {@link #COMPLETE_TXS} whole transactions, then the start of a
 * large one (streamed to Kafka, never committed), prints {@link #READY} and waits to be killed.
 */
public final class KilledWriter {
    static final String READY = "KILLED_WRITER_READY";
    static final long COMPLETE_TXS = 12;

    private KilledWriter() {
    }

    static List<JournalEntry> committedEntries() {
        return replay(null);
    }

    private static List<JournalEntry> replay(JournalWriter w) {
        List<JournalEntry> out = new ArrayList<>();
        long seq = 0;
        for (long tx = 1; tx <= COMPLETE_TXS; tx++) {
            for (int i = 0; i < tx % 5; i++) {
                RowChange c = i % 4 == 3 ? Changes.itemUpdate(tx, tx * 1000 + i) : Changes.order(tx, tx * 1000 + i);
                out.add(new JournalEntry.Row(w == null ? ++seq : w.append(c), c));
            }
            out.add(new JournalEntry.TxCommit(w == null ? ++seq : w.commit(Changes.commit(tx)), Changes.commit(tx)));
        }
        return out;
    }

    public static void main(String[] args) throws Exception {
        KafkaJournalOptions o = KafkaJournalOptions.of(args[0], args[1]).withBufferBytes(4_000)
                .withCommitInterval(java.time.Duration.ofHours(1)); // nothing is published unless asked
        KafkaJournal j = KafkaJournal.open(o);
        replay(j.writer());
        for (int i = 0; i < 500; i++) {
            j.writer().append(Changes.order(COMPLETE_TXS + 1, i)); // exceeds the buffer: published what came before
        }
        System.out.println(READY);
        System.out.flush();
        Thread.sleep(600_000);
    }
}
