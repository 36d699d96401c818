package io.paraverse.journal.kafka;

import io.paraverse.journal.JournalEntry;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;

import java.time.Duration;
import java.util.List;

/**
 * Random access to the journal's partition through a read_committed consumer: the committed end, the last
 * journaled commit, and the offset where a given seq starts. Sequence numbers are contiguous and increase with the
 * offset, but offsets also hold transaction markers and aborted records (invisible here), so seq to offset is a
 * binary search over offsets, each probe one fetch.
 */
final class PartitionScan implements AutoCloseable {
    private static final Duration POLL = Duration.ofMillis(100);
    private static final long PROBE_TIMEOUT_NANOS = Duration.ofSeconds(60).toNanos();

    private final KafkaConsumer<byte[], byte[]> consumer;
    private final TopicPartition tp;
    private final String where;
    private final KafkaRecordCodec codec = new KafkaRecordCodec();

    PartitionScan(KafkaJournalOptions options, String role) {
        this.consumer = KafkaClients.consumer(options, role);
        this.tp = new TopicPartition(options.topic(), options.partition());
        this.where = options.describe();
        consumer.assign(List.of(tp));
    }

    /** The last journaled commit (seq and commit), or null if the topic holds none. */
    record Tail(long seq, io.paraverse.translator.Commit commit) { }

    KafkaConsumer<byte[], byte[]> consumer() {
        return consumer;
    }

    TopicPartition partition() {
        return tp;
    }

    long beginning() {
        return consumer.beginningOffsets(List.of(tp)).get(tp);
    }

    /** The last stable offset: everything below it is committed or aborted. */
    long end() {
        return consumer.endOffsets(List.of(tp)).get(tp);
    }

    /**
     * The last commit entry in the topic: scans backwards from the end in growing windows (the tail may hold aborted
     * records of a writer that died mid-transaction). Throws if retention deleted every commit of a non-empty journal.
     */
    Tail lastCommit() {
        long begin = beginning();
        long end = end();
        long window = 256;
        long to = end;
        while (to > begin) {
            long from = Math.max(begin, to - window);
            Tail found = lastCommitIn(from, to);
            if (found != null) {
                return found;
            }
            to = from;
            window *= 8;
        }
        if (begin > 0) {
            throw new IllegalStateException(where + " holds no journaled commit, but its log starts at offset " + begin
                    + ": Kafka retention deleted the journal's records, including the position capture resumes from."
                    + " Raise the topic's retention.ms/retention.bytes (see docs/JOURNAL.md) and start over from a fresh clone");
        }
        return null;
    }

    private Tail lastCommitIn(long from, long to) {
        Tail last = null;
        consumer.seek(tp, from);
        long deadline = System.nanoTime() + PROBE_TIMEOUT_NANOS;
        while (consumer.position(tp) < to) {
            for (ConsumerRecord<byte[], byte[]> r : consumer.poll(POLL).records(tp)) {
                if (r.offset() < to && r.value() != null && r.value().length > 0 && r.value()[0] == KafkaRecordCodec.COMMIT) {
                    JournalEntry.TxCommit c = (JournalEntry.TxCommit) codec.decode(r, where);
                    last = new Tail(c.seq(), c.commit());
                }
            }
            checkDeadline(deadline, "reading offsets " + from + ".." + to);
        }
        return last;
    }

    /** The first committed record at or after {@code offset} and below {@code end}; null if none. */
    private ConsumerRecord<byte[], byte[]> firstAtOrAfter(long offset, long end) {
        consumer.seek(tp, offset);
        long deadline = System.nanoTime() + PROBE_TIMEOUT_NANOS;
        while (consumer.position(tp) < end) {
            for (ConsumerRecord<byte[], byte[]> r : consumer.poll(POLL).records(tp)) {
                if (r.offset() >= offset) {
                    return r.offset() < end ? r : null;
                }
            }
            checkDeadline(deadline, "probing offset " + offset);
        }
        return null;
    }

    /**
     * The offset to read from so that the first record is the one after {@code afterSeq}: the smallest offset whose
     * first committed record has a seq above it (the committed end if none does yet).
     */
    long offsetAfter(long afterSeq) {
        long lo = beginning();
        long hi = end();
        if (afterSeq == 0) {
            return lo;
        }
        while (lo < hi) {
            long mid = lo + (hi - lo) / 2;
            ConsumerRecord<byte[], byte[]> r = firstAtOrAfter(mid, hi);
            if (r == null || KafkaRecordCodec.seqOf(r, where) > afterSeq) {
                hi = mid;
            } else {
                lo = r.offset() + 1;
            }
        }
        return lo;
    }

    private void checkDeadline(long deadline, String what) {
        if (System.nanoTime() > deadline) {
            throw new IllegalStateException(where + ": no progress " + what + " within 60 s; is the broker reachable"
                    + " and the partition's leader available?");
        }
    }

    @Override
    public void close() {
        consumer.close(Duration.ofSeconds(5));
    }
}
