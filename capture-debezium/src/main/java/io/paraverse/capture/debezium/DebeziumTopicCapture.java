package io.paraverse.capture.debezium;

import io.paraverse.capture.ChangeSink;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * Reads the change events an existing Kafka Connect + Debezium MySQL/MariaDB connector writes to Kafka (JSON
 * converter, with or without schemas) and delivers them as our {@link io.paraverse.translator.RowChange}s and
 * {@link io.paraverse.translator.Commit}s, so operators who already run Debezium plug in directly.
 *
 * <p>Transactions: with the transaction metadata topic, a transaction is complete when its END record has arrived and
 * as many row events with its {@code transaction.id} as END counts; transactions are delivered in the order of the
 * metadata topic, rows by {@code transaction.total_order}. Without it, rows are grouped by {@code source.gtid} in a
 * single partition (see {@link DebeziumTopicConfig#transactionTopic()}).
 *
 * <p>Resume: offsets are ours ({@link TopicOffsets} in the state directory), never a consumer group's; a resume from
 * the journal's last commit seeks to the newest checkpoint at or before it and skips the GTIDs it covers. Topics that
 * appear later (new tables) are picked up within {@link #TOPIC_REFRESH} and read from their beginning.
 */
public final class DebeziumTopicCapture extends DeliveringCapture {
    private static final Logger log = LoggerFactory.getLogger(DebeziumTopicCapture.class);
    static final Duration TOPIC_REFRESH = Duration.ofSeconds(5);
    private static final long CHECKPOINT_EVERY_MS = 1000;
    private static final Duration STALL_WARNING = Duration.ofSeconds(30);

    /** One transaction being assembled from the metadata topic and the data topics. */
    private static final class Pending {
        final List<ChangeEvent.Row> rows = new ArrayList<>();
        final Map<TopicPartition, Long> firstOffsets = new HashMap<>();
        boolean begun;
        boolean ended;
        long eventCount;
        long endedNanos;
        boolean warned;

        void at(TopicPartition tp, long offset) {
            firstOffsets.merge(tp, offset, Math::min);
        }

        boolean complete() {
            return ended && rows.size() >= eventCount;
        }
    }

    private final DebeziumTopicConfig config;
    private final ChangeSink sink;
    private final SourceTables tables;
    private final ChangeEventDecoder decoder;
    private final TopicOffsets offsets;
    private KafkaConsumer<String, String> consumer;
    private Thread thread;
    private volatile boolean stopping;
    private volatile Throwable failure;
    private final Set<TopicPartition> assigned = new HashSet<>();
    // metadata mode
    private final Map<String, Pending> pending = new HashMap<>();
    private final List<String> order = new ArrayList<>();
    // fallback mode: the open GTID group
    private final List<ChangeEvent.Row> group = new ArrayList<>();
    private String groupGtid;
    private long groupFirstOffset = -1;
    private long lastRecordNanos;
    private long lastCheckpointMillis;
    private long lastTopicRefresh;

    public DebeziumTopicCapture(DebeziumTopicConfig config, ChangeSink sink) {
        this.config = java.util.Objects.requireNonNull(config, "config");
        this.sink = java.util.Objects.requireNonNull(sink, "sink");
        this.tables = new SourceTables(config.sourceHost(), config.sourcePort(), config.sourceUser(),
                config.sourcePassword());
        this.decoder = new ChangeEventDecoder(tables, config.settings());
        this.offsets = new TopicOffsets(config.stateDir());
    }

    /**
     * @param gtidPosition the position already delivered (the journal's last commit): consumption resumes at our
     *                     newest checkpoint at or before it, skipping transactions it covers; null: from the
     *                     topics' beginning (everything they retain)
     */
    @Override
    public synchronized void start(String gtidPosition) {
        if (consumer != null) {
            throw new IllegalStateException("the Debezium topic capture of " + config.topicPrefix() + " was already started");
        }
        delivery = new TransactionDelivery(sink, gtidPosition);
        offsets.load();
        consumer = new KafkaConsumer<>(consumerProperties());
        try {
            assignTopics(offsets.checkpointFor(gtidPosition), true);
        } catch (RuntimeException e) {
            consumer.close(Duration.ofSeconds(5));
            consumer = null;
            throw e;
        }
        CountDownLatch running = new CountDownLatch(1);
        thread = new Thread(() -> {
            running.countDown();
            run();
        }, "debezium-topics-" + config.topicPrefix());
        thread.setDaemon(true);
        thread.start();
        try {
            running.await(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        log.info("reading Debezium change events of {} after GTID position '{}' ({} partitions)", config,
                gtidPosition, assigned.size());
    }

    private Properties consumerProperties() {
        Properties p = new Properties();
        p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, config.bootstrapServers());
        p.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
        p.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
        p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        p.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        p.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed"); // Connect's exactly-once source mode writes in transactions
        p.put(ConsumerConfig.CLIENT_ID_CONFIG, "paraverse-debezium-" + config.topicPrefix());
        p.putAll(config.kafkaProperties());
        return p;
    }

    /** Assigns the connector's data (and metadata) topics; new partitions start at the checkpoint or the beginning. */
    private void assignTopics(TopicOffsets.Checkpoint from, boolean first) {
        Map<String, List<PartitionInfo>> all = consumer.listTopics(Duration.ofSeconds(30));
        List<TopicPartition> wanted = new ArrayList<>();
        int dataPartitions = 0;
        for (Map.Entry<String, List<PartitionInfo>> e : all.entrySet()) {
            boolean data = config.isDataTopic(e.getKey());
            if (data || e.getKey().equals(config.transactionTopic())) {
                for (PartitionInfo pi : e.getValue()) {
                    wanted.add(new TopicPartition(pi.topic(), pi.partition()));
                    dataPartitions += data ? 1 : 0;
                }
            }
        }
        if (config.transactionTopic() != null && first && !all.containsKey(config.transactionTopic())) {
            // Kafka Connect creates topics on first use; row events with a transaction block wait for it, and rows
            // without one fail (provide.transaction.metadata is off)
            log.warn("Kafka at {} has no transaction metadata topic {} yet: it is read once it appears (the connector"
                    + " needs provide.transaction.metadata=true)", config.bootstrapServers(), config.transactionTopic());
        }
        if (config.transactionTopic() == null && dataPartitions > 1) {
            throw new DebeziumCaptureException("without transaction metadata the change events of prefix "
                    + config.topicPrefix() + " must be in one partition of one topic to keep transactions whole, but "
                    + dataPartitions + " data partitions exist: set provide.transaction.metadata=true on the connector"
                    + " (recommended), or route all tables into one single-partition topic");
        }
        List<TopicPartition> added = wanted.stream().filter(tp -> !assigned.contains(tp)).toList();
        if (added.isEmpty()) {
            return;
        }
        assigned.addAll(added);
        consumer.assign(new ArrayList<>(assigned));
        for (TopicPartition tp : added) {
            Long off = from == null ? null : from.offsets().get(tp);
            if (off != null) {
                consumer.seek(tp, off);
            } else {
                consumer.seekToBeginning(List.of(tp));
            }
        }
        if (!first) {
            log.info("Debezium topic capture of {}: now also reading {}", config.topicPrefix(), added);
        }
        lastTopicRefresh = System.nanoTime();
    }

    private void run() {
        try {
            while (!stopping) {
                ConsumerRecords<String, String> records = consumer.poll(Duration.ofMillis(200));
                for (ConsumerRecord<String, String> r : records) {
                    lastRecordNanos = System.nanoTime();
                    handle(r);
                }
                if (config.transactionTopic() != null) {
                    drainComplete();
                } else if (records.isEmpty() && !group.isEmpty() && caughtUp()
                        && System.nanoTime() - lastRecordNanos > config.groupIdleCommit().toNanos()) {
                    flushGroup();
                }
                checkpoint(false);
                if (System.nanoTime() - lastTopicRefresh > TOPIC_REFRESH.toNanos()) {
                    lastTopicRefresh = System.nanoTime();
                    assignTopics(null, false);
                }
            }
            checkpoint(true);
        } catch (WakeupException e) {
            if (!stopping) {
                failure = e;
            }
        } catch (Throwable t) {
            failure = t;
            log.error("Debezium topic capture of {} stopped: {}", config.topicPrefix(), t.getMessage(), t);
        } finally {
            consumer.close(Duration.ofSeconds(5));
            tables.close();
        }
    }

    private void handle(ConsumerRecord<String, String> r) {
        TopicPartition tp = new TopicPartition(r.topic(), r.partition());
        ChangeEvent e = decoder.decode(r.topic(), r.value(), delivery::alreadyDelivered);
        if (config.transactionTopic() == null) {
            handleGrouped(e, r.offset());
            return;
        }
        if (e instanceof ChangeEvent.Boundary b) {
            if (delivery.alreadyDelivered(b.transactionId())) {
                return;
            }
            Pending p = pending.computeIfAbsent(b.transactionId(), k -> new Pending());
            p.at(tp, r.offset());
            if (b.begin()) {
                if (!p.begun) {
                    // Debezium writes a BEGIN but no END for a DDL statement; the metadata topic is written in
                    // order, so an earlier transaction still without END when the next begins has no rows to wait for
                    order.removeIf(id -> {
                        Pending q = pending.get(id);
                        if (!q.ended && q.rows.isEmpty()) {
                            pending.remove(id);
                            return true;
                        }
                        return false;
                    });
                    p.begun = true;
                    order.add(b.transactionId());
                }
            } else {
                if (!p.begun) { // the BEGIN was before our start offset: the transaction cannot be assembled whole
                    throw new DebeziumCaptureException("transaction " + b.transactionId() + " ends on "
                            + config.transactionTopic() + " at offset " + r.offset() + " but its BEGIN was not read: the"
                            + " stored offsets do not match the topics (were they recreated?). Delete "
                            + offsets.file() + " to re-read the topics from their beginning.");
                }
                p.ended = true;
                p.eventCount = b.eventCount();
                p.endedNanos = System.nanoTime();
            }
        } else if (e instanceof ChangeEvent.Row row) {
            if (row.transactionId() == null) {
                if (row.source().isSnapshot()) {
                    delivery.deliver(null, List.of(row), row.source()); // snapshot reads: no transaction, no GTID
                    return;
                }
                throw new DebeziumCaptureException("a change event on " + r.topic() + " at offset " + r.offset()
                        + " has no transaction block: set provide.transaction.metadata=true on the connector, or"
                        + " configure the capture without a transaction topic");
            }
            Pending p = pending.computeIfAbsent(row.transactionId(), k -> new Pending());
            p.at(tp, r.offset());
            p.rows.add(row);
        } else if (e instanceof ChangeEvent.Ddl ddl) {
            tables.invalidate(ddl.schema());
        }
    }

    /** Delivers complete transactions in metadata-topic order. */
    private void drainComplete() {
        while (!order.isEmpty()) {
            String id = order.get(0);
            Pending p = pending.get(id);
            if (!p.complete()) {
                if (p.ended && !p.warned && System.nanoTime() - p.endedNanos > STALL_WARNING.toNanos()) {
                    p.warned = true; // rows filtered away (SMTs, topics outside the prefix) would hold it forever
                    log.warn("transaction {} ended {} s ago with {} events on {}, but only {} row events with its id"
                            + " were read from the data topics of prefix {}; delivery waits for the rest. If the"
                            + " connector's events are filtered or routed elsewhere, transactions cannot be"
                            + " assembled.", id, STALL_WARNING.toSeconds(), p.eventCount, config.transactionTopic(),
                            p.rows.size(), config.topicPrefix());
                }
                return;
            }
            p.rows.sort(Comparator.comparingLong(ChangeEvent.Row::totalOrder));
            String gtid = GtidPosition.isGtid(id) ? id : p.rows.isEmpty() ? null : p.rows.get(0).source().gtid();
            delivery.deliver(gtid, p.rows, p.rows.isEmpty() ? null : p.rows.get(p.rows.size() - 1).source());
            order.remove(0);
            pending.remove(id);
        }
    }

    private void handleGrouped(ChangeEvent e, long offset) {
        if (e instanceof ChangeEvent.Row row) {
            String gtid = row.source().gtid();
            if (!group.isEmpty() && !java.util.Objects.equals(gtid, groupGtid)) {
                flushGroup();
            }
            if (group.isEmpty()) {
                groupGtid = gtid;
                groupFirstOffset = offset;
            }
            group.add(row);
        } else if (e instanceof ChangeEvent.Ddl ddl) {
            tables.invalidate(ddl.schema());
        }
    }

    private void flushGroup() {
        delivery.deliver(groupGtid, List.copyOf(group), group.get(group.size() - 1).source());
        group.clear();
        groupGtid = null;
        groupFirstOffset = -1;
    }

    private boolean caughtUp() {
        Map<TopicPartition, Long> end = consumer.endOffsets(assigned, Duration.ofSeconds(10));
        for (TopicPartition tp : assigned) {
            if (consumer.position(tp) < end.getOrDefault(tp, 0L)) {
                return false;
            }
        }
        return true;
    }

    /** Records where consumption may resume for the current delivered position (at most once a second). */
    private void checkpoint(boolean force) {
        long now = System.currentTimeMillis();
        if (!force && now - lastCheckpointMillis < CHECKPOINT_EVERY_MS) {
            return;
        }
        lastCheckpointMillis = now;
        Map<TopicPartition, Long> safe = new LinkedHashMap<>();
        for (TopicPartition tp : assigned) {
            safe.put(tp, consumer.position(tp));
        }
        for (Pending p : pending.values()) {
            p.firstOffsets.forEach((tp, off) -> safe.merge(tp, off, Math::min));
        }
        if (groupFirstOffset >= 0) {
            safe.replaceAll((tp, off) -> Math.min(off, groupFirstOffset)); // fallback: one partition
        }
        offsets.record(delivery.position(), safe);
    }

    @Override
    public void stop() {
        stopping = true;
        Thread t;
        synchronized (this) {
            t = thread;
        }
        if (t != null && t != Thread.currentThread()) {
            try {
                t.join(30_000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    @Override
    public Throwable failure() {
        return failure;
    }

    @Override
    public boolean isRunning() {
        Thread t = thread;
        return t != null && t.isAlive() && failure == null && !stopping;
    }
}
