package io.paraverse.journal.kafka;

import io.paraverse.journal.JournalEntry;
import io.paraverse.journal.JournalReader;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.errors.InterruptException;

import java.time.Duration;
import java.util.Collections;
import java.util.Iterator;
import java.util.concurrent.TimeUnit;

/**
 * Reads the journal's partition after a seq with its own read_committed consumer: it sees only published Kafka
 * transactions, i.e. whole source transactions. It starts at the offset {@link PartitionScan#offsetAfter} finds and
 * skips any record at or below the seq (a concurrent publish can move the committed end while it looks).
 */
final class KafkaJournalReader implements JournalReader {
    private final PartitionScan scan;
    private final long afterSeq;
    private final String where;
    private final KafkaRecordCodec codec = new KafkaRecordCodec();
    private Iterator<ConsumerRecord<byte[], byte[]>> fetched = Collections.emptyIterator();
    private boolean first = true;

    private KafkaJournalReader(PartitionScan scan, long afterSeq, String where) {
        this.scan = scan;
        this.afterSeq = afterSeq;
        this.where = where;
    }

    static KafkaJournalReader open(KafkaJournalOptions options, long afterSeq) {
        PartitionScan scan = new PartitionScan(options, "reader");
        try {
            long offset = scan.offsetAfter(afterSeq);
            scan.consumer().seek(scan.partition(), offset);
            return new KafkaJournalReader(scan, afterSeq, options.describe());
        } catch (RuntimeException e) {
            scan.close();
            throw e;
        }
    }

    @Override
    public JournalEntry poll(long timeout, TimeUnit unit) throws InterruptedException {
        long deadline = System.nanoTime() + unit.toNanos(timeout);
        while (true) {
            while (fetched.hasNext()) {
                ConsumerRecord<byte[], byte[]> r = fetched.next();
                long seq = KafkaRecordCodec.seqOf(r, where);
                if (seq <= afterSeq) {
                    continue;
                }
                if (first && afterSeq > 0 && seq > afterSeq + 1) {
                    throw new IllegalStateException(where + " no longer holds seq " + (afterSeq + 1) + ": it was deleted"
                            + " (released after apply, or by the topic's retention); the oldest retained seq is " + seq
                            + ". Read from a retained seq, or start over from a fresh clone of the source");
                }
                first = false;
                return codec.decode(r, where);
            }
            long left = deadline - System.nanoTime();
            try {
                fetched = scan.consumer().poll(Duration.ofNanos(Math.max(0, left))).records(scan.partition()).iterator();
            } catch (InterruptException e) {
                Thread.interrupted(); // Kafka re-set the flag; InterruptedException carries it instead
                throw new InterruptedException("interrupted while reading " + where);
            }
            if (!fetched.hasNext() && deadline - System.nanoTime() <= 0) {
                return null;
            }
        }
    }

    @Override
    public void close() {
        scan.close();
    }
}
