package io.paraverse.journal.kafka;

import java.time.Duration;
import java.util.Map;
import java.util.Objects;

/**
 * Where a {@link KafkaJournal} lives and how it writes.
 *
 * @param bootstrap         Kafka bootstrap servers, {@code host:port[,host:port...]}
 * @param topic             the journal's topic: one per migration, written by this journal only
 * @param partition         the one partition used (0 unless several journals share a topic deliberately)
 * @param transactionalId   the producer's transactional id; a second writer with the same id fences the first
 * @param replicationFactor for a topic the journal creates; 3 in production (with min.insync.replicas=2)
 * @param commitInterval    finished source transactions become visible to readers at most this long after commit
 * @param commitBytes       ... or as soon as this many bytes were sent since the last Kafka commit
 * @param bufferBytes       rows of one source transaction are held in memory up to this size; a larger transaction
 *                          is streamed into a Kafka transaction of its own (see {@link KafkaJournalWriter})
 * @param deleteApplied     {@link KafkaJournal#releaseUpTo} deletes applied records (Admin deleteRecords)
 * @param clientProperties  extra client settings (security, timeouts) given to producer, consumers and admin
 */
public record KafkaJournalOptions(String bootstrap, String topic, int partition, String transactionalId,
                                  short replicationFactor, Duration commitInterval, long commitBytes, long bufferBytes,
                                  boolean deleteApplied, Map<String, String> clientProperties) {

    public static final Duration DEFAULT_COMMIT_INTERVAL = Duration.ofMillis(20);
    public static final long DEFAULT_COMMIT_BYTES = 4L * 1024 * 1024;
    public static final long DEFAULT_BUFFER_BYTES = 16L * 1024 * 1024;

    public KafkaJournalOptions {
        Objects.requireNonNull(commitInterval, "commitInterval");
        clientProperties = Map.copyOf(Objects.requireNonNull(clientProperties, "clientProperties"));
        if (bootstrap == null || bootstrap.isBlank()) {
            throw new IllegalArgumentException("kafka journal: bootstrap is required, like kafka1:9092,kafka2:9092");
        }
        if (topic == null || !topic.matches("[A-Za-z0-9._-]{1,249}")) {
            throw new IllegalArgumentException("kafka journal: topic must be 1-249 letters, digits, '.', '_' or '-', got '"
                    + topic + "'");
        }
        if (partition < 0) {
            throw new IllegalArgumentException("kafka journal: partition must be >= 0, got " + partition);
        }
        if (transactionalId == null || transactionalId.isBlank()) {
            throw new IllegalArgumentException("kafka journal: transactionalId must not be empty");
        }
        if (replicationFactor < 1) {
            throw new IllegalArgumentException("kafka journal: replicationFactor must be >= 1, got " + replicationFactor);
        }
        if (commitInterval.isNegative() || commitInterval.isZero()) {
            throw new IllegalArgumentException("kafka journal: commitInterval must be positive, got " + commitInterval);
        }
        if (commitBytes < 1 || bufferBytes < 1) {
            throw new IllegalArgumentException("kafka journal: commitBytes and bufferBytes must be positive");
        }
    }

    /** Defaults for {@code topic} on {@code bootstrap}: partition 0, transactional id {@code paraverse-journal-<topic>}. */
    public static KafkaJournalOptions of(String bootstrap, String topic) {
        return new KafkaJournalOptions(bootstrap, topic, 0, "paraverse-journal-" + topic, (short) 1,
                DEFAULT_COMMIT_INTERVAL, DEFAULT_COMMIT_BYTES, DEFAULT_BUFFER_BYTES, true, Map.of());
    }

    public KafkaJournalOptions withReplicationFactor(int rf) {
        return new KafkaJournalOptions(bootstrap, topic, partition, transactionalId, (short) rf, commitInterval,
                commitBytes, bufferBytes, deleteApplied, clientProperties);
    }

    public KafkaJournalOptions withBufferBytes(long bytes) {
        return new KafkaJournalOptions(bootstrap, topic, partition, transactionalId, replicationFactor, commitInterval,
                commitBytes, bytes, deleteApplied, clientProperties);
    }

    public KafkaJournalOptions withCommitInterval(Duration interval) {
        return new KafkaJournalOptions(bootstrap, topic, partition, transactionalId, replicationFactor, interval,
                commitBytes, bufferBytes, deleteApplied, clientProperties);
    }

    public KafkaJournalOptions withDeleteApplied(boolean delete) {
        return new KafkaJournalOptions(bootstrap, topic, partition, transactionalId, replicationFactor, commitInterval,
                commitBytes, bufferBytes, delete, clientProperties);
    }

    public KafkaJournalOptions withClientProperties(Map<String, String> props) {
        return new KafkaJournalOptions(bootstrap, topic, partition, transactionalId, replicationFactor, commitInterval,
                commitBytes, bufferBytes, deleteApplied, props);
    }

    /** For messages: never includes client properties (they may hold credentials). */
    public String describe() {
        return "kafka topic " + topic + "[" + partition + "] on " + bootstrap;
    }
}
