package io.paraverse.capture.debezium;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;

import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.function.Function;

/**
 * Does what a Kafka Connect worker running the Debezium MariaDB connector does: the connector's records, through the
 * JSON converter, written to their destination topics (created on first use, one partition). A batch counts as
 * processed only once Kafka has acknowledged it.
 */
final class ConnectLikeWriter implements AutoCloseable {
    private final EmbeddedEngine engine;
    private final KafkaProducer<String, String> producer;
    private final Admin admin;
    private final Set<String> topics = new HashSet<>();
    private final Function<String, List<String>> route;
    private volatile long written;

    /** @param route destination topic → the topics to write the record to (identity: {@code List.of(topic)}) */
    ConnectLikeWriter(DebeziumEngineConfig config, boolean schemas, String bootstrap, Function<String, List<String>> route) {
        this.engine = new EmbeddedEngine(config, schemas);
        this.route = route;
        Properties p = new Properties();
        p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        p.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
        p.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
        p.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, "true");
        p.put(ProducerConfig.ACKS_CONFIG, "all");
        producer = new KafkaProducer<>(p);
        admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap));
    }

    void start(String gtidPosition) {
        engine.start(gtidPosition, batch -> {
            for (EmbeddedEngine.Record r : batch) {
                for (String topic : route.apply(r.topic())) {
                    ensureTopic(topic);
                    producer.send(new ProducerRecord<>(topic, r.key(), r.value()));
                }
            }
            producer.flush();
            written += batch.size();
        });
    }

    private void ensureTopic(String topic) throws Exception {
        if (topics.add(topic)) {
            try {
                admin.createTopics(List.of(new NewTopic(topic, 1, (short) 1))).all().get();
            } catch (java.util.concurrent.ExecutionException e) {
                if (!(e.getCause() instanceof org.apache.kafka.common.errors.TopicExistsException)) {
                    throw e;
                }
            }
        }
    }

    long written() {
        return written;
    }

    Throwable failure() {
        return engine.failure();
    }

    @Override
    public void close() {
        engine.close();
        producer.close();
        admin.close();
    }
}
