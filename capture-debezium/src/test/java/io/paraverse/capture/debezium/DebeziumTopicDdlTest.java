package io.paraverse.capture.debezium;

import io.paraverse.capture.BinlogCapture;
import io.paraverse.capture.CaptureConfig;
import io.paraverse.cloud.local.MariaDbOptions;
import io.paraverse.cloud.local.MariaDbServer;
import io.paraverse.journal.kafka.EmbeddedKafka;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.bridge.SLF4JBridgeHandler;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

/**
 * Topics read after the source table was altered (ADD COLUMN): older events keep their columns and types, and the
 * DDL's transaction (a BEGIN without END on the metadata topic) does not stall later transactions.
 */
class DebeziumTopicDdlTest {
    static {
        SLF4JBridgeHandler.removeHandlersForRootLogger();
        SLF4JBridgeHandler.install();
    }

    @Test
    void eventsWrittenBeforeAnAddColumnMatchBinlogCapture(@TempDir Path dir) throws Exception {
        try (MariaDbServer source = MariaDbServer.start(MariaDbOptions.source("dbz-ddl"));
             EmbeddedKafka kafka = EmbeddedKafka.start()) {
            source.execute("CREATE DATABASE shop", "CREATE TABLE shop.items (id INT NOT NULL PRIMARY KEY,"
                    + " name VARCHAR(20), price DECIMAL(8,2)) ENGINE=InnoDB");
            String from = source.gtidBinlogPos();
            DebeziumEngineConfig ec = DebeziumTypeMatrixTestSupport.engine(source, dir.resolve("connect"), "ddl", 5401, "shop");
            try (ConnectLikeWriter writer = new ConnectLikeWriter(ec, false, kafka.bootstrap(), List::of)) {
                writer.start(from);
                source.execute("INSERT INTO shop.items VALUES (1, 'one', 1.50), (2, 'two', 2.25)",
                        "UPDATE shop.items SET price = 9.99 WHERE id = 1",
                        "ALTER TABLE shop.items ADD COLUMN stock INT NOT NULL DEFAULT 7",
                        "INSERT INTO shop.items VALUES (3, 'three', 3.00, 30)",
                        "UPDATE shop.items SET stock = 1 WHERE id = 2",
                        "DELETE FROM shop.items WHERE id = 1");
                String end = source.gtidBinlogPos();
                DebeziumTypeMatrixTestSupport.await("the writer", Duration.ofSeconds(60), () -> writer.written() >= 14);

                RecordingSink expected = new RecordingSink();
                CaptureConfig cc = CaptureConfig.builder().host(source.host()).port(source.port()).user(source.user())
                        .password(source.password()).build();
                try (BinlogCapture capture = new BinlogCapture(cc, expected)) {
                    capture.start(from);
                    DebeziumTypeMatrixTestSupport.await("binlog capture", Duration.ofSeconds(60),
                            () -> end.equals(expected.lastPosition()));
                }
                RecordingSink actual = new RecordingSink();
                DebeziumTopicConfig tc = DebeziumTopicConfig.of(kafka.bootstrap(), "ddl", source.host(), source.port(),
                        source.user(), source.password(), dir.resolve("capture"));
                try (DebeziumTopicCapture capture = new DebeziumTopicCapture(tc, actual)) {
                    capture.start(from);
                    DebeziumTypeMatrixTestSupport.await("topic capture", Duration.ofSeconds(60), () -> {
                        assertNull(capture.failure());
                        return end.equals(actual.lastPosition());
                    });
                }
                assertEquals(5, expected.rowTransactions().size());
                SameChanges.assertSame(expected.rowTransactions(), actual.rowTransactions(), "topics across ADD COLUMN");
            }
        }
    }
}
