package io.paraverse.journal.kafka;

import io.paraverse.journal.Journal;
import io.paraverse.journal.JournalReader;
import io.paraverse.journal.JournalWriter;
import io.paraverse.translator.Commit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.Config;
import org.apache.kafka.clients.admin.LogDirDescription;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.RecordsToDelete;
import org.apache.kafka.clients.admin.ReplicaInfo;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.Node;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.errors.TopicExistsException;
import org.apache.kafka.common.errors.UnknownTopicOrPartitionException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * The journal as one partition of a Kafka topic (docs/JOURNAL.md, "Kafka journal").
 *
 * <p><b>Records and seqs.</b> One record per row or commit entry; its value is the file journal's record payload
 * ({@code type | seq | body}, {@link io.paraverse.journal.RowChangeCodec}), the row's table definition in a header.
 * Seqs are assigned by the writer, contiguous from 1 like the file journal's (the applier refuses gaps); offsets are
 * not seqs, since transaction markers and aborted records take offsets too. Both increase together, so a reader
 * finds where a seq starts by binary search ({@link PartitionScan}).
 *
 * <p><b>Whole transactions.</b> The writer puts only whole source transactions into each Kafka transaction
 * (idempotent producer, acks=all) and readers are read_committed: see {@link KafkaJournalWriter}.
 *
 * <p><b>Restart.</b> Opening fences any earlier writer (same transactional id), which aborts a transaction it left
 * open, then reads the last commit entry back from the partition's end: {@link #lastCommit()} is where capture
 * resumes, and the target's checkpoint seq where apply resumes.
 */
public final class KafkaJournal implements Journal {
    private static final Logger log = LoggerFactory.getLogger(KafkaJournal.class);
    private static final long ADMIN_TIMEOUT_SECONDS = 30;
    private static final long RELEASE_INTERVAL_NANOS = TimeUnit.SECONDS.toNanos(10);
    private static final long SIZE_CACHE_NANOS = TimeUnit.SECONDS.toNanos(1);

    private final KafkaJournalOptions options;
    private final TopicPartition tp;
    private final Admin admin;
    private final KafkaJournalWriter writer;
    private final AtomicBoolean closed = new AtomicBoolean();
    private final Object retention = new Object();
    private long releasedSeq;
    private long lastReleaseNanos = System.nanoTime() - RELEASE_INTERVAL_NANOS;
    private final Object sizeLock = new Object();
    private long sizeBytes;
    private long sizeAtNanos;

    private KafkaJournal(KafkaJournalOptions options, Admin admin, KafkaJournalWriter writer) {
        this.options = options;
        this.tp = new TopicPartition(options.topic(), options.partition());
        this.admin = admin;
        this.writer = writer;
    }

    /**
     * Opens the journal on its topic, creating the topic if missing (partitions up to {@code partition}, the
     * configured replication factor, no time or size retention). Fails with a message naming the topic if the
     * brokers are unreachable or the journal's position was deleted by retention.
     */
    public static KafkaJournal open(KafkaJournalOptions options) {
        Admin admin = KafkaClients.admin(options);
        KafkaProducer<byte[], byte[]> producer = null;
        try {
            ensureTopic(admin, options);
            producer = KafkaClients.producer(options);
            producer.initTransactions(); // fences an earlier writer and aborts what it left open
            PartitionScan.Tail tail;
            try (PartitionScan scan = new PartitionScan(options, "recovery")) {
                tail = scan.lastCommit();
            }
            KafkaJournalWriter.Position last = tail == null ? null : new KafkaJournalWriter.Position(tail.seq(), tail.commit());
            KafkaJournal journal = new KafkaJournal(options, admin, new KafkaJournalWriter(producer, options, last));
            log.info("journal {} open: last commit seq {}{}", options.describe(), last == null ? 0 : last.seq(),
                    last == null ? "" : " at " + last.commit().position());
            return journal;
        } catch (KafkaException | IllegalStateException e) {
            if (producer != null) {
                producer.close(java.time.Duration.ofSeconds(5));
            }
            admin.close();
            if (e instanceof IllegalStateException ise) {
                throw ise;
            }
            throw new IllegalStateException("cannot open the journal on " + options.describe() + ": " + e, e);
        }
    }

    private static void ensureTopic(Admin admin, KafkaJournalOptions o) {
        String where = o.describe();
        try {
            TopicDescription d;
            try {
                d = admin.describeTopics(List.of(o.topic())).allTopicNames().get(ADMIN_TIMEOUT_SECONDS, TimeUnit.SECONDS).get(o.topic());
            } catch (ExecutionException e) {
                if (!(e.getCause() instanceof UnknownTopicOrPartitionException)) {
                    throw e;
                }
                createTopic(admin, o);
                return;
            }
            if (d.partitions().size() <= o.partition()) {
                throw new IllegalStateException(where + ": the topic has " + d.partitions().size() + " partition(s), so"
                        + " partition " + o.partition() + " does not exist; use an existing partition or another topic");
            }
            ConfigResource res = new ConfigResource(ConfigResource.Type.TOPIC, o.topic());
            Config c = admin.describeConfigs(List.of(res)).all().get(ADMIN_TIMEOUT_SECONDS, TimeUnit.SECONDS).get(res);
            String retentionMs = c.get("retention.ms") == null ? null : c.get("retention.ms").value();
            if (retentionMs != null && !retentionMs.equals("-1")) {
                log.warn("{}: the topic's retention.ms is {} ms: records older than that are deleted whether applied or"
                        + " not. It must exceed the longest upgrade plus catch-up (docs/JOURNAL.md); -1 with"
                        + " releaseUpTo deleting applied records is safest", where, retentionMs);
            }
        } catch (ExecutionException | TimeoutException e) {
            throw new IllegalStateException(where + ": cannot describe the topic (" + (e.getCause() != null ? e.getCause() : e)
                    + "); check bootstrap and that the brokers are up", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(where + ": interrupted while checking the topic", e);
        }
    }

    private static void createTopic(Admin admin, KafkaJournalOptions o) throws InterruptedException, TimeoutException,
            ExecutionException {
        NewTopic topic = new NewTopic(o.topic(), o.partition() + 1, o.replicationFactor()).configs(Map.of(
                "retention.ms", "-1", "retention.bytes", "-1",
                "min.insync.replicas", String.valueOf(Math.max(1, o.replicationFactor() - 1)),
                "unclean.leader.election.enable", "false"));
        try {
            admin.createTopics(List.of(topic)).all().get(ADMIN_TIMEOUT_SECONDS, TimeUnit.SECONDS);
            log.info("{}: created the topic (replication factor {}, no time or size retention)", o.describe(), o.replicationFactor());
        } catch (ExecutionException e) {
            if (!(e.getCause() instanceof TopicExistsException)) {
                throw e;
            }
        }
    }

    public KafkaJournalOptions options() {
        return options;
    }

    @Override
    public JournalWriter writer() {
        return writer;
    }

    /**
     * {@inheritDoc}
     * <p>Each reader is its own consumer (no consumer group, no offsets stored in Kafka). Its first poll throws
     * IllegalStateException if seq {@code afterSeq + 1} was deleted, naming the oldest retained seq.
     */
    @Override
    public JournalReader readAfter(long afterSeq) {
        if (afterSeq < 0) {
            throw new IllegalArgumentException("readAfter needs a seq >= 0, got " + afterSeq);
        }
        checkOpen();
        return KafkaJournalReader.open(options, afterSeq);
    }

    @Override
    public long lastDurableSeq() {
        KafkaJournalWriter.Position p = writer.published();
        return p == null ? 0 : p.seq();
    }

    @Override
    public Optional<Commit> lastCommit() {
        KafkaJournalWriter.Position p = writer.published();
        return p == null ? Optional.empty() : Optional.of(p.commit());
    }

    /**
     * {@inheritDoc}
     * <p>With {@code deleteApplied}, at most every 10 s: deletes the records before seq {@code seq} (Admin
     * deleteRecords), keeping that commit entry so the last commit can always be read back on open. Otherwise a no-op:
     * the topic's retention decides. A failure is logged and retried at the next release.
     */
    @Override
    public void releaseUpTo(long seq) {
        if (!options.deleteApplied() || closed.get()) {
            return;
        }
        long upTo = Math.min(seq, lastDurableSeq());
        synchronized (retention) {
            if (upTo <= releasedSeq + 1 || System.nanoTime() - lastReleaseNanos < RELEASE_INTERVAL_NANOS) {
                return;
            }
            lastReleaseNanos = System.nanoTime();
            try (PartitionScan scan = new PartitionScan(options, "retention")) {
                long before = scan.offsetAfter(upTo - 1);
                admin.deleteRecords(Map.of(tp, RecordsToDelete.beforeOffset(before))).all()
                        .get(ADMIN_TIMEOUT_SECONDS, TimeUnit.SECONDS);
                releasedSeq = upTo - 1;
                log.debug("{}: deleted applied records before offset {} (seq {})", options.describe(), before, upTo);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } catch (ExecutionException | TimeoutException | RuntimeException e) {
                log.warn("{}: cannot delete applied records up to seq {} ({}); will retry at the next release",
                        options.describe(), upTo, e.toString());
            }
        }
    }

    /**
     * {@inheritDoc}
     * <p>The partition's size on disk on one replica (the largest reported), from the brokers' log dirs (Admin
     * describeLogDirs), refreshed at most every second. If the brokers do not answer, the last known size.
     */
    @Override
    public long sizeBytes() {
        synchronized (sizeLock) {
            if (sizeAtNanos != 0 && System.nanoTime() - sizeAtNanos < SIZE_CACHE_NANOS) {
                return sizeBytes;
            }
            try {
                List<Integer> brokers = admin.describeCluster().nodes().get(ADMIN_TIMEOUT_SECONDS, TimeUnit.SECONDS)
                        .stream().map(Node::id).toList();
                long max = 0;
                for (Map<String, LogDirDescription> dirs : admin.describeLogDirs(brokers).allDescriptions()
                        .get(ADMIN_TIMEOUT_SECONDS, TimeUnit.SECONDS).values()) {
                    for (LogDirDescription d : dirs.values()) {
                        ReplicaInfo r = d.replicaInfos().get(tp);
                        if (r != null) {
                            max = Math.max(max, r.size());
                        }
                    }
                }
                sizeBytes = max;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } catch (ExecutionException | TimeoutException | KafkaException e) {
                log.warn("{}: cannot read the partition's size from the brokers ({}); reporting the last known {} bytes",
                        options.describe(), e.toString(), sizeBytes);
            }
            sizeAtNanos = System.nanoTime();
            return sizeBytes;
        }
    }

    /** Publishes what is complete, closes the producer (readers the caller opened must be closed by it). */
    @Override
    public void close() {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        try {
            writer.close();
        } finally {
            admin.close(java.time.Duration.ofSeconds(5));
            log.info("journal {} closed at seq {}", options.describe(), lastDurableSeq());
        }
    }

    private void checkOpen() {
        if (closed.get()) {
            throw new IllegalStateException("journal " + options.describe() + " is closed");
        }
    }
}
