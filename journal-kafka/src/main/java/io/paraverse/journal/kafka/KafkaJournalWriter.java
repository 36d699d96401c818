package io.paraverse.journal.kafka;

import io.paraverse.journal.JournalWriter;
import io.paraverse.translator.Commit;
import io.paraverse.translator.RowChange;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.errors.ProducerFencedException;
import org.apache.kafka.common.header.internals.RecordHeader;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The single writer of a {@link KafkaJournal}: one Kafka transaction holds one or more WHOLE source transactions,
 * so a read_committed reader never sees part of one.
 *
 * <p>Rows of the open source transaction wait in memory and are sent with its commit entry; committing the Kafka
 * transaction is batched like the file journal's fsync: when {@code commitInterval} has passed since the first
 * unpublished commit (a background thread makes an idle tail visible), or {@code commitBytes} were sent. A source
 * transaction larger than {@code bufferBytes} first publishes what is complete, then streams its rows into a Kafka
 * transaction of its own, so {@link #discardUncommitted} can still drop exactly it (abort). A writer that dies
 * mid-transaction leaves an open Kafka transaction: the next writer with the same transactional id aborts it when it
 * starts (fencing the old one), and readers never see its records.
 *
 * <p>After any Kafka error the writer refuses further writes: capture restarts from {@link KafkaJournal#lastCommit}.
 */
final class KafkaJournalWriter implements JournalWriter {
    private static final Logger log = LoggerFactory.getLogger(KafkaJournalWriter.class);

    /** A commit entry: its seq and the source position it ends. */
    record Position(long seq, Commit commit) { }

    private final KafkaProducer<byte[], byte[]> producer;
    private final KafkaJournalOptions options;
    private final String where;
    private final long intervalNanos;
    private final KafkaRecordCodec codec = new KafkaRecordCodec();
    private final AtomicReference<Exception> sendFailure = new AtomicReference<>();
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition due = lock.newCondition();
    private final Thread committer;

    private final List<ProducerRecord<byte[], byte[]>> rows = new ArrayList<>();
    private long rowBytes;
    private long nextSeq;
    private boolean txOpen;
    private long txStartSeq;
    /** The open source transaction's rows go straight to a Kafka transaction holding nothing else. */
    private boolean streaming;
    private boolean kafkaTxOpen;
    private long kafkaTxBytes;
    /** The last commit entry sent but not yet published (Kafka-committed), and since when something waits. */
    private Position unpublished;
    private long unpublishedSinceNanos;
    private volatile Position published;
    private boolean closed;
    private RuntimeException failure;

    /** {@code producer} has run initTransactions: any transaction of an earlier writer is aborted. */
    KafkaJournalWriter(KafkaProducer<byte[], byte[]> producer, KafkaJournalOptions options, Position last) {
        this.producer = producer;
        this.options = options;
        this.where = options.describe();
        this.intervalNanos = options.commitInterval().toNanos();
        this.published = last;
        this.nextSeq = last == null ? 1 : last.seq() + 1;
        this.committer = new Thread(this::publishWhenDue, "kafka-journal-commit-" + options.topic());
        committer.setDaemon(true);
        committer.start();
    }

    /** The last commit entry readers can see; null if none. */
    Position published() {
        return published;
    }

    @Override
    public long append(RowChange change) {
        lock.lock();
        try {
            checkWritable();
            long seq = nextSeq;
            byte[] value = codec.encodeRow(seq, change); // may throw on an unsupported value: nothing changed yet
            byte[] table = codec.tableHeader(change.table());
            ProducerRecord<byte[], byte[]> record = record(value,
                    new RecordHeaders().add(new RecordHeader(KafkaRecordCodec.TABLE_HEADER, table)));
            if (!txOpen) {
                txOpen = true;
                txStartSeq = seq;
            }
            nextSeq = seq + 1;
            if (streaming) {
                send(record);
            } else {
                rows.add(record);
                rowBytes += value.length + table.length;
                if (rowBytes > options.bufferBytes()) {
                    startStreaming();
                }
            }
            return seq;
        } finally {
            lock.unlock();
        }
    }

    @Override
    public long commit(Commit commit) {
        lock.lock();
        try {
            checkWritable();
            long seq = nextSeq;
            ProducerRecord<byte[], byte[]> record = record(codec.encodeCommit(seq, commit), null);
            if (!kafkaTxOpen) {
                beginKafkaTransaction();
            }
            for (ProducerRecord<byte[], byte[]> r : rows) {
                send(r);
            }
            send(record);
            rows.clear();
            rowBytes = 0;
            streaming = false;
            txOpen = false;
            nextSeq = seq + 1;
            if (unpublished == null) {
                unpublishedSinceNanos = System.nanoTime();
            }
            unpublished = new Position(seq, commit);
            if (kafkaTxBytes >= options.commitBytes()) {
                publish();
            } else {
                due.signal();
            }
            return seq;
        } finally {
            lock.unlock();
        }
    }

    @Override
    public void discardUncommitted() {
        lock.lock();
        try {
            checkWritable();
            if (!txOpen) {
                return;
            }
            if (streaming) {
                try {
                    producer.abortTransaction(); // it holds this source transaction only
                } catch (KafkaException e) {
                    throw fail("aborting the Kafka transaction of an incomplete source transaction", e);
                }
                kafkaTxOpen = false;
                kafkaTxBytes = 0;
                streaming = false;
            }
            log.debug("{}: discarded {} uncommitted rows from seq {}", where, nextSeq - txStartSeq, txStartSeq);
            rows.clear();
            rowBytes = 0;
            nextSeq = txStartSeq;
            txOpen = false;
        } finally {
            lock.unlock();
        }
    }

    @Override
    public void sync() {
        lock.lock();
        try {
            checkWritable();
            if (!streaming) {
                publish();
            }
        } finally {
            lock.unlock();
        }
    }

    /** Publishes what is complete, aborts a streamed incomplete transaction, stops the committer, closes the producer. */
    void close() {
        lock.lock();
        try {
            if (closed) {
                return;
            }
            if (failure == null) {
                try {
                    if (streaming) {
                        log.info("{}: closing inside a large source transaction from seq {}; aborting it (capture re-sends"
                                + " it from the last commit)", where, txStartSeq);
                        producer.abortTransaction();
                    } else {
                        publish();
                    }
                } catch (RuntimeException e) {
                    log.warn("{}: could not finish the last Kafka transaction on close: {}", where, e.toString());
                }
            }
            closed = true;
            due.signalAll();
        } finally {
            lock.unlock();
        }
        try {
            committer.join(TimeUnit.SECONDS.toMillis(10));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        producer.close(Duration.ofSeconds(10));
    }

    private void startStreaming() {
        publish(); // earlier complete source transactions must not share the Kafka transaction we may have to abort
        beginKafkaTransaction();
        for (ProducerRecord<byte[], byte[]> r : rows) {
            send(r);
        }
        log.info("{}: source transaction from seq {} exceeds {} bytes; streaming it in a Kafka transaction of its own",
                where, txStartSeq, options.bufferBytes());
        rows.clear();
        rowBytes = 0;
        streaming = true;
    }

    private void beginKafkaTransaction() {
        try {
            producer.beginTransaction();
        } catch (KafkaException e) {
            throw fail("beginning a Kafka transaction", e);
        }
        kafkaTxOpen = true;
        kafkaTxBytes = 0;
    }

    private void send(ProducerRecord<byte[], byte[]> r) {
        try {
            producer.send(r, (meta, e) -> {
                if (e != null) {
                    sendFailure.compareAndSet(null, e);
                }
            });
        } catch (KafkaException e) {
            throw fail("sending to the topic", e);
        }
        kafkaTxBytes += r.value().length;
    }

    /** Commits the Kafka transaction: every source transaction sent so far becomes visible, together. */
    private void publish() {
        if (!kafkaTxOpen || streaming) {
            return;
        }
        try {
            producer.commitTransaction();
        } catch (KafkaException e) {
            throw fail("committing the Kafka transaction", e);
        }
        kafkaTxOpen = false;
        kafkaTxBytes = 0;
        if (unpublished != null) {
            published = unpublished;
            unpublished = null;
        }
    }

    /** The background committer: an idle tail becomes visible within the commit interval. */
    private void publishWhenDue() {
        lock.lock();
        try {
            while (!closed && failure == null) {
                if (unpublished != null && !streaming) {
                    long wait = unpublishedSinceNanos + intervalNanos - System.nanoTime();
                    if (wait <= 0) {
                        try {
                            publish();
                        } catch (RuntimeException e) {
                            return; // fail() logged it; the capture thread sees it at its next call
                        }
                        continue;
                    }
                    due.awaitNanos(wait);
                } else {
                    due.awaitNanos(intervalNanos * 10);
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            lock.unlock();
        }
    }

    private ProducerRecord<byte[], byte[]> record(byte[] value, org.apache.kafka.common.header.Headers headers) {
        return new ProducerRecord<>(options.topic(), options.partition(), null, null, value, headers);
    }

    private void checkWritable() {
        if (closed) {
            throw new IllegalStateException(where + ": the journal is closed; reopen it to write");
        }
        if (failure != null) {
            throw new IllegalStateException(where + ": the writer failed earlier (" + failure.getMessage()
                    + ") and accepts no more changes; restart paraverse: capture resumes after the last published commit",
                    failure);
        }
    }

    private RuntimeException fail(String what, KafkaException e) {
        Exception cause = sendFailure.get() != null ? sendFailure.get() : e;
        String why = e instanceof ProducerFencedException
                ? "another journal writer with transactional id '" + options.transactionalId() + "' took over this topic"
                : cause.toString();
        failure = new IllegalStateException(where + ": " + what + " failed (" + why + "). The writer accepts no more"
                + " changes; readers see every source transaction up to seq " + (published == null ? 0 : published.seq())
                + ". Check the brokers and restart paraverse: capture resumes after that commit", cause);
        log.error("{}", failure.getMessage(), e);
        due.signalAll();
        return failure;
    }
}
