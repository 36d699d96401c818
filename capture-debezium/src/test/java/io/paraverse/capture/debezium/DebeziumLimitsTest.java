package io.paraverse.capture.debezium;

import io.paraverse.capture.BinlogCapture;
import io.paraverse.capture.CaptureConfig;
import io.paraverse.cloud.local.MariaDbOptions;
import io.paraverse.cloud.local.MariaDbServer;
import io.paraverse.translator.RowChange;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.bridge.SLF4JBridgeHandler;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.Statement;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

/**
 * What Debezium does not carry exactly (named in the README), checked against BinlogCapture on the same changes so
 * the README stays true: latin1 bytes that cp1252 leaves undefined, ENUM labels outside the Basic Multilingual Plane
 * and zero dates. Everything else here — GEOMETRY, rows after an ALTER TABLE, the DDL itself — must match.
 */
class DebeziumLimitsTest {
    static {
        SLF4JBridgeHandler.removeHandlersForRootLogger();
        SLF4JBridgeHandler.install();
    }

    @Test
    void onlyTheDocumentedValuesDiffer(@TempDir Path dir) throws Exception {
        try (MariaDbServer source = MariaDbServer.start(MariaDbOptions.source("dbz-limits"))) {
            source.execute("CREATE DATABASE shop", "CREATE TABLE shop.limits (id INT NOT NULL PRIMARY KEY,"
                    + " l VARCHAR(20) CHARACTER SET latin1, e ENUM('😀','x') CHARACTER SET utf8mb4,"
                    + " d DATE NULL, dn DATE NOT NULL DEFAULT '2000-01-01', dtm DATETIME NULL, g GEOMETRY NULL, dz DATE NULL) ENGINE=InnoDB");
            String from = source.gtidBinlogPos();
            RecordingSink actual = new RecordingSink();
            DebeziumEngineConfig ec = DebeziumTypeMatrixTestSupport.engine(source, dir, "limits", 5301, "shop");
            DebeziumEngineCapture engine = new DebeziumEngineCapture(ec, actual);
            // started before the writes: Debezium must see the ALTER TABLE in the stream (see the README on DDL)
            engine.start(from);
            try (Connection c = source.connect("shop"); Statement st = c.createStatement()) {
                st.execute("SET SESSION sql_mode = ''");
                st.execute("INSERT INTO limits VALUES (1, _latin1 x'41818D8F909D', '😀', '0000-00-00', '0000-00-00',"
                        + " '0000-00-00 00:00:00', ST_GeomFromText('POINT(1 2)'), '2024-00-15')");
                st.execute("INSERT INTO limits VALUES (2, 'plain', 'x', '2024-02-29', '2024-02-29', '2024-02-29 01:02:03',"
                        + " ST_GeomFromText('LINESTRING(0 0, 1 1)', 4326), '2024-02-29')");
                st.execute("ALTER TABLE limits ADD COLUMN extra VARCHAR(10) DEFAULT 'new'");
                st.execute("INSERT INTO limits (id, l, e, dn) VALUES (3, 'after', 'x', '2001-01-01')");
                st.execute("UPDATE limits SET extra = 'upd' WHERE id = 2");
            }
            String end = source.gtidBinlogPos();

            RecordingSink expected = new RecordingSink();
            CaptureConfig cc = CaptureConfig.builder().host(source.host()).port(source.port()).user(source.user())
                    .password(source.password()).build();
            try (BinlogCapture capture = new BinlogCapture(cc, expected)) {
                capture.start(from);
                DebeziumTypeMatrixTestSupport.await("binlog capture", Duration.ofSeconds(60),
                        () -> end.equals(expected.lastPosition()));
            }
            try (DebeziumEngineCapture capture = engine) {
                DebeziumTypeMatrixTestSupport.await("engine capture", Duration.ofSeconds(60), () -> {
                    assertNull(capture.failure());
                    return end.equals(actual.lastPosition());
                });
            }

            // the same transactions, the ALTER TABLE delivered as DDL with its GTID
            assertEquals(expected.transactions().stream().map(t -> t.commit().position().gtidPosition()).toList(),
                    actual.transactions().stream().map(t -> t.commit().position().gtidPosition()).toList());
            assertEquals(expected.ddl().stream().map(d -> d.position().gtid()).toList(),
                    actual.ddl().stream().map(d -> d.position().gtid()).toList());

            Map<String, String> differences = new TreeMap<>();
            List<RowChange> want = expected.rowTransactions().stream().flatMap(t -> t.rows().stream()).toList();
            List<RowChange> got = actual.rowTransactions().stream().flatMap(t -> t.rows().stream()).toList();
            assertEquals(want.size(), got.size());
            for (int r = 0; r < want.size(); r++) {
                assertEquals(want.get(r).table(), got.get(r).table(), "table definition of row " + r);
                Map<String, Object> w = want.get(r).afterMap();
                Map<String, Object> g = got.get(r).afterMap();
                for (String col : w.keySet()) {
                    if (!Arrays.deepEquals(new Object[]{w.get(col)}, new Object[]{g.get(col)})) {
                        differences.put("row " + want.get(r).after("id") + " " + col,
                                SameChanges.show(w.get(col)) + " -> " + SameChanges.show(g.get(col)));
                    }
                }
            }
            assertEquals(Map.of(
                    "row 1 l", "String(A\u0081\u008D\u008F\u0090\u009D) -> String(A\uFFFD\uFFFD\uFFFD\uFFFD\uFFFD)",
                    "row 1 e", "String(😀) -> String(?)",
                    "row 1 d", "String(0000-00-00) -> null",
                    "row 1 dn", "String(0000-00-00) -> String(2000-01-01)",
                    "row 1 dtm", "String(0000-00-00 00:00:00) -> null",
                    "row 1 dz", "String(2024-00-15) -> null"), differences);
        }
    }
}
