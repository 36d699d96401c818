package io.paraverse.capture.debezium;

import io.paraverse.capture.BinlogCapture;
import io.paraverse.capture.CaptureConfig;
import io.paraverse.cloud.local.MariaDbOptions;
import io.paraverse.cloud.local.MariaDbServer;
import io.paraverse.journal.kafka.EmbeddedKafka;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.bridge.SLF4JBridgeHandler;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.function.BooleanSupplier;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

/**
 * The same source changes (a type matrix, multi-table transactions, updates and deletes) captured by our own
 * BinlogCapture and through Debezium — the embedded engine directly, and Debezium envelopes in a real Kafka broker
 * as a Connect deployment writes them (JSON with and without schemas, with transaction metadata, and grouped by GTID
 * without it) — must give the same RowChanges and Commits.
 */
class DebeziumTypeMatrixTest {
    static {
        SLF4JBridgeHandler.removeHandlersForRootLogger();
        SLF4JBridgeHandler.install();
    }

    static final String DDL = """
            CREATE TABLE shop.types (
              id INT NOT NULL PRIMARY KEY,
              ti TINYINT, tiu TINYINT UNSIGNED, si SMALLINT, siu SMALLINT UNSIGNED,
              mi MEDIUMINT, miu MEDIUMINT UNSIGNED, i INT, iu INT UNSIGNED, bi BIGINT, biu BIGINT UNSIGNED,
              d DECIMAL(65,30), d2 DECIMAL(10,2), d3 DECIMAL(18,9), d0 DECIMAL(5,0), du DECIMAL(8,3) UNSIGNED,
              fl FLOAT, db DOUBLE,
              b1 BIT(1), b10 BIT(10), b64 BIT(64), y YEAR,
              dt DATE, tm TIME, tm6 TIME(6), tm3 TIME(3), tm1 TIME(1),
              dtm DATETIME, dtm6 DATETIME(6), dtm3 DATETIME(3),
              ts TIMESTAMP NULL, ts6 TIMESTAMP(6) NULL, ts2 TIMESTAMP(2) NULL,
              c CHAR(10) CHARACTER SET utf8mb4, cl CHAR(5) CHARACTER SET latin1,
              u3 CHAR(3) CHARACTER SET utf8mb3,
              vc VARCHAR(100) CHARACTER SET utf8mb4, vl VARCHAR(300) CHARACTER SET latin1,
              tx TEXT CHARACTER SET utf8mb4, ttx TINYTEXT CHARACTER SET latin1, mtx MEDIUMTEXT, ltx LONGTEXT,
              bn BINARY(4), vb VARBINARY(20), bl BLOB, tbl TINYBLOB, mbl MEDIUMBLOB, lbl LONGBLOB,
              e ENUM('a','b','ç') CHARACTER SET latin1, e2 ENUM('ü','x', 'a b') CHARACTER SET utf8mb4,
              s SET('x','y','z'), sb SET('a1','a2','a3','a4','a5','a6','a7','a8','a9'),
              j JSON
            ) ENGINE=InnoDB""";

    static final String ROW1 = "INSERT INTO types VALUES (1,"
            + " -128, 0, -32768, 0, -8388608, 0, -2147483648, 0, -9223372036854775808, 0,"
            + " -99999999999999999999999999999999999.999999999999999999999999999999, -12345678.90,"
            + " -123456789.123456789, -1, 0.001,"
            + " -1234.5, -1.7976931348623157E308,"
            + " b'0', b'1111111111', b'1000000000000000000000000000000000000000000000000000000000000001',"
            + " 1901,"
            + " '1000-01-01', '-838:59:59', '-838:59:59.000000', '-00:00:01.250', '-12:00:00.5',"
            + " '1000-01-01 00:00:00', '1000-01-01 00:00:00.000001', '2024-02-29 13:45:00.123',"
            + " '1970-01-01 05:00:01', '0000-00-00 00:00:00.000000', '2024-06-01 12:00:00.5',"
            + " 'ab  ', 'é', 'äöü',"
            + " 'emoji 😀 ✓ ', _latin1 x'808A89E9FF',"
            + " 'text ü', 'tiny', REPEAT('m', 70000), '',"
            + " 'A', x'00FF0000', x'DEADBEEF', x'', x'01', x'0203',"
            + " 'ç', 'ü', 'z,x', 'a1,a9',"
            + " '{\"a\": [1, 2]}')";

    static final String ROW2 = "INSERT INTO types VALUES (2,"
            + " 127, 255, 32767, 65535, 8388607, 16777215, 2147483647, 4294967295,"
            + " 9223372036854775807, 18446744073709551615,"
            + " 99999999999999999999999999999999999.999999999999999999999999999999, 99999999.99,"
            + " 0.000000001, 99999, 99999.999,"
            + " 16777216, 2.2250738585072014E-308,"
            + " b'1', b'0', b'1111111111111111111111111111111111111111111111111111111111111111',"
            + " 2155,"
            + " '9999-12-31', '838:59:59', '838:59:59.000000', '00:00:00.000', '-00:00:00.1',"
            + " '9999-12-31 23:59:59', '9999-12-31 23:59:59.999999', '2024-01-01 00:00:00.000',"
            + " '2038-01-19 03:14:07', '2038-01-19 03:14:07.999999', '1970-01-01 00:00:01.01',"
            + " '', '', '',"
            + " '', REPEAT('a', 300),"
            + " '', '', '', REPEAT('l', 5),"
            + " x'00000000', x'', x'00', x'FF', x'', x'',"
            + " '', 'x', '', '',"
            + " '[]')";

    static MariaDbServer source;
    static EmbeddedKafka kafka;
    static String startPosition;
    static String endPosition;
    static List<RecordingSink.Txn> reference;

    @BeforeAll
    static void setUp() throws Exception {
        source = MariaDbServer.start(MariaDbOptions.source("dbz-types"));
        source.execute("CREATE DATABASE shop", DDL,
                "CREATE TABLE shop.orders (id BIGINT UNSIGNED NOT NULL PRIMARY KEY, item VARCHAR(20), qty INT,"
                        + " price DECIMAL(10,2)) ENGINE=InnoDB");
        startPosition = source.gtidBinlogPos();
        try (Connection c = source.connect("shop"); Statement st = c.createStatement()) {
            st.execute("SET SESSION sql_mode = ''");
            st.execute("SET SESSION time_zone = '+05:00'");
            st.execute(ROW1);
            st.execute("SET SESSION time_zone = '+00:00'");
            st.execute(ROW2);
            st.execute("INSERT INTO types (id) VALUES (3)");
            c.setAutoCommit(false); // one transaction over two tables, mixed operations
            st.execute("UPDATE types SET vc = 'changed ✓', biu = 18446744073709551614, d = 1.5, tm6 = '-00:00:00.000001',"
                    + " b10 = b'1000000001', e = 'b', s = 'y', bl = x'00' WHERE id = 1");
            st.execute("INSERT INTO orders VALUES (18446744073709551615, 'widget', 3, 9.99), (1, NULL, NULL, NULL)");
            st.execute("DELETE FROM types WHERE id = 3");
            c.commit();
            st.execute("UPDATE orders SET qty = qty + 1 WHERE id = 1 OR id = 18446744073709551615");
            c.commit();
            c.setAutoCommit(true);
            st.execute("DELETE FROM types WHERE id = 1");
            st.execute("INSERT INTO orders VALUES (2, 'gadget', 1, 0.01)");
        }
        endPosition = source.gtidBinlogPos();
        kafka = EmbeddedKafka.start();

        RecordingSink sink = new RecordingSink();
        CaptureConfig cc = CaptureConfig.builder().host(source.host()).port(source.port()).user(source.user())
                .password(source.password()).build();
        try (BinlogCapture capture = new BinlogCapture(cc, sink)) {
            capture.start(startPosition);
            await("BinlogCapture to reach " + endPosition, () -> endPosition.equals(sink.lastPosition()));
        }
        reference = sink.rowTransactions();
        assertEquals(7, reference.size(), "reference transactions");
    }

    @AfterAll
    static void tearDown() {
        if (kafka != null) {
            kafka.close();
        }
        if (source != null) {
            source.close();
        }
    }

    static DebeziumEngineConfig engineConfig(Path dir, String name, int serverId) {
        return DebeziumEngineConfig.of(source.host(), source.port(), source.user(), source.password(), serverId, dir,
                name, List.of("shop"));
    }

    static void await(String what, BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("timed out after 60 s waiting for " + what);
            }
            Thread.sleep(20);
        }
    }

    /** Waits until the Connect-like writer has written the source's changes (the topics exist, as in a deployment). */
    static void awaitWritten(ConnectLikeWriter writer) throws InterruptedException {
        await("the Debezium engine to write the changes to Kafka", () -> {
            assertNull(writer.failure());
            return writer.written() >= 2 * reference.size() + 9; // BEGIN + END per transaction, 9 rows
        });
    }

    @Test
    void embeddedEngineCaptureDeliversWhatBinlogCaptureDelivers(@TempDir Path dir) throws Exception {
        RecordingSink sink = new RecordingSink();
        try (DebeziumEngineCapture capture = new DebeziumEngineCapture(engineConfig(dir, "engine", 5101), sink)) {
            capture.start(startPosition);
            await("the engine capture to reach " + endPosition, () -> {
                assertNull(capture.failure());
                return endPosition.equals(sink.lastPosition());
            });
        }
        SameChanges.assertSame(reference, sink.rowTransactions(), "embedded engine vs binlog capture");
    }

    @Test
    void otherConnectorEncodingsGiveTheSameValues(@TempDir Path dir) throws Exception {
        // DECIMAL as strings, binary as hex, BIGINT UNSIGNED as Decimal
        DebeziumEngineConfig ec = engineConfig(dir, "encodings", 5105)
                .withProperty("decimal.handling.mode", "string")
                .withProperty("binary.handling.mode", "hex")
                .withProperty("bigint.unsigned.handling.mode", "precise");
        RecordingSink sink = new RecordingSink();
        try (DebeziumEngineCapture capture = new DebeziumEngineCapture(ec, sink)) {
            capture.start(startPosition);
            await("the engine capture to reach " + endPosition, () -> {
                assertNull(capture.failure());
                return endPosition.equals(sink.lastPosition());
            });
        }
        SameChanges.assertSame(reference, sink.rowTransactions(), "embedded engine (string/hex/precise)");
    }

    @Test
    void topicCaptureReadsConnectTopicsWithSchemasLikeBinlogCaptureAndResumes(@TempDir Path dir) throws Exception {
        try (ConnectLikeWriter writer = new ConnectLikeWriter(engineConfig(dir.resolve("connect"), "dbzs", 5102), true,
                kafka.bootstrap(), List::of)) {
            writer.start(startPosition);
            awaitWritten(writer);
            DebeziumTopicConfig tc = DebeziumTopicConfig.of(kafka.bootstrap(), "dbzs", source.host(),
                    source.port(), source.user(), source.password(), dir.resolve("capture"));
            SameChanges.assertSame(reference, readTopics(tc, startPosition), "topics (JSON with schemas) vs binlog capture");

            // a restart from an older position (the journal's last durable commit lags): exactly what follows it
            String middle = reference.get(3).commit().position().gtidPosition();
            SameChanges.assertSame(reference.subList(4, reference.size()), readTopics(tc, middle),
                    "topics resumed after " + middle);
        }
    }

    @Test
    void topicCaptureReadsSchemalessJson(@TempDir Path dir) throws Exception {
        try (ConnectLikeWriter writer = new ConnectLikeWriter(engineConfig(dir.resolve("connect"), "dbzn", 5103), false,
                kafka.bootstrap(), List::of)) {
            writer.start(startPosition);
            awaitWritten(writer);
            DebeziumTopicConfig tc = DebeziumTopicConfig.of(kafka.bootstrap(), "dbzn", source.host(),
                    source.port(), source.user(), source.password(), dir.resolve("capture"));
            SameChanges.assertSame(reference, readTopics(tc, startPosition), "topics (JSON without schemas) vs binlog capture");
        }
    }

    @Test
    void topicCaptureGroupsByGtidWithoutTransactionMetadata(@TempDir Path dir) throws Exception {
        // all tables routed into one single-partition topic (as Debezium's topic routing SMT does), no metadata topic
        java.util.function.Function<String, List<String>> route = t -> t.equals("dbzr.transaction") ? List.of()
                : t.startsWith("dbzr.") ? List.of("dbzr.all.changes") : List.of(t);
        try (ConnectLikeWriter writer = new ConnectLikeWriter(engineConfig(dir.resolve("connect"), "dbzr", 5104), true,
                kafka.bootstrap(), route)) {
            writer.start(startPosition);
            awaitWritten(writer);
            DebeziumTopicConfig tc = DebeziumTopicConfig.of(kafka.bootstrap(), "dbzr", source.host(),
                    source.port(), source.user(), source.password(), dir.resolve("capture")).withoutTransactionTopic();
            SameChanges.assertSame(reference, readTopics(tc, startPosition), "topics grouped by GTID vs binlog capture");
        }
    }

    /** Runs a topic capture from {@code from} until it has delivered the source's end position. */
    static List<RecordingSink.Txn> readTopics(DebeziumTopicConfig tc, String from) throws InterruptedException {
        RecordingSink sink = new RecordingSink();
        try (DebeziumTopicCapture capture = new DebeziumTopicCapture(tc, sink)) {
            capture.start(from);
            await("the topic capture to reach " + endPosition, () -> {
                assertNull(capture.failure());
                return endPosition.equals(sink.lastPosition());
            });
            Thread.sleep(300); // nothing more may come
        }
        return sink.rowTransactions();
    }
}
