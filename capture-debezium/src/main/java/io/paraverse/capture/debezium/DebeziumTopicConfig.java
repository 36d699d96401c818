package io.paraverse.capture.debezium;

import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * Where an existing Kafka Connect + Debezium MySQL/MariaDB connector deployment writes its change events, and how
 * to read them.
 *
 * @param bootstrapServers  the Kafka cluster
 * @param topicPrefix       the connector's {@code topic.prefix}: data topics are {@code <prefix>.<db>.<table>},
 *                          transaction metadata {@code <prefix>.transaction}, schema changes {@code <prefix>}
 * @param transactionTopic  the transaction metadata topic ({@code provide.transaction.metadata=true}); null: there
 *                          is none, and transactions are grouped by {@code source.gtid} (needs all data in one
 *                          partition of one topic, see the README)
 * @param sourceHost        the MariaDB source, asked for column types (JSON events do not carry SQL types)
 * @param sourcePort        its port
 * @param sourceUser        a user with SELECT on the captured tables' information_schema rows
 * @param sourcePassword    its password (never logged)
 * @param stateDir          where our consumer offsets live ({@code debezium-topic-offsets.json}): the pipeline's
 *                          directory
 * @param settings          the connector's value encodings
 * @param groupIdleCommit   fallback mode only: a transaction without a successor is complete after the partition has
 *                          been caught up and quiet this long
 * @param kafkaProperties   further consumer properties (security, …)
 */
public record DebeziumTopicConfig(String bootstrapServers, String topicPrefix, String transactionTopic,
                                  String sourceHost, int sourcePort, String sourceUser, String sourcePassword,
                                  Path stateDir, ConnectorSettings settings, Duration groupIdleCommit,
                                  Map<String, String> kafkaProperties) {
    public DebeziumTopicConfig {
        Objects.requireNonNull(bootstrapServers, "bootstrapServers");
        Objects.requireNonNull(topicPrefix, "topicPrefix");
        Objects.requireNonNull(sourceHost, "sourceHost");
        Objects.requireNonNull(sourceUser, "sourceUser");
        Objects.requireNonNull(stateDir, "stateDir");
        Objects.requireNonNull(settings, "settings");
        Objects.requireNonNull(groupIdleCommit, "groupIdleCommit");
        kafkaProperties = Map.copyOf(kafkaProperties);
    }

    /** Debezium's defaults: transaction metadata on {@code <prefix>.transaction}, default value encodings. */
    public static DebeziumTopicConfig of(String bootstrapServers, String topicPrefix, String sourceHost, int sourcePort,
                                         String sourceUser, String sourcePassword, Path stateDir) {
        return new DebeziumTopicConfig(bootstrapServers, topicPrefix, topicPrefix + ".transaction", sourceHost,
                sourcePort, sourceUser, sourcePassword, stateDir, ConnectorSettings.defaults(), Duration.ofSeconds(1),
                Map.of());
    }

    public DebeziumTopicConfig withSettings(ConnectorSettings s) {
        return new DebeziumTopicConfig(bootstrapServers, topicPrefix, transactionTopic, sourceHost, sourcePort,
                sourceUser, sourcePassword, stateDir, s, groupIdleCommit, kafkaProperties);
    }

    /** Without transaction metadata: group by GTID. */
    public DebeziumTopicConfig withoutTransactionTopic() {
        return new DebeziumTopicConfig(bootstrapServers, topicPrefix, null, sourceHost, sourcePort, sourceUser,
                sourcePassword, stateDir, settings, groupIdleCommit, kafkaProperties);
    }

    public DebeziumTopicConfig withKafkaProperty(String key, String value) {
        Map<String, String> m = new LinkedHashMap<>(kafkaProperties);
        m.put(key, value);
        return new DebeziumTopicConfig(bootstrapServers, topicPrefix, transactionTopic, sourceHost, sourcePort,
                sourceUser, sourcePassword, stateDir, settings, groupIdleCommit, m);
    }

    /** Whether a topic holds the connector's row change events. */
    boolean isDataTopic(String topic) {
        if (!topic.startsWith(topicPrefix + ".") || topic.equals(transactionTopic)) {
            return false;
        }
        String rest = topic.substring(topicPrefix.length() + 1);
        return rest.indexOf('.') > 0 && !rest.startsWith("__debezium") && !rest.equals("transaction");
    }

    @Override
    public String toString() {
        return "DebeziumTopicConfig{" + bootstrapServers + ", prefix " + topicPrefix + ", transactions "
                + (transactionTopic == null ? "grouped by GTID" : transactionTopic) + ", source " + sourceUser + "@"
                + sourceHost + ":" + sourcePort + ", state in " + stateDir + ", " + settings + "}";
    }
}
