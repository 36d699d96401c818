package io.paraverse.capture;

import io.paraverse.capture.CaptureTestSupport.RecordingSink;
import io.paraverse.cloud.local.MariaDbOptions;
import io.paraverse.cloud.local.MariaDbServer;
import io.paraverse.translator.Column;
import io.paraverse.translator.RowChange;
import io.paraverse.translator.SqlType;
import io.paraverse.translator.TableDef;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Every column type capture supports, with edge values and NULLs, inserted, updated and deleted on a real MariaDB;
 * the captured values must equal the Java values SqlType prescribes, type and value.
 */
class TypeMatrixTest {
    private static final String DDL = """
            CREATE TABLE shop.types (
              id INT NOT NULL PRIMARY KEY,
              ti TINYINT, tiu TINYINT UNSIGNED, si SMALLINT, siu SMALLINT UNSIGNED,
              mi MEDIUMINT, miu MEDIUMINT UNSIGNED, i INT, iu INT UNSIGNED, bi BIGINT, biu BIGINT UNSIGNED,
              d DECIMAL(65,30), d2 DECIMAL(10,2), d3 DECIMAL(18,9), d0 DECIMAL(5,0),
              fl FLOAT, db DOUBLE,
              b1 BIT(1), b10 BIT(10), b64 BIT(64), y YEAR,
              dt DATE, tm TIME, tm6 TIME(6), tm3 TIME(3), tm1 TIME(1),
              dtm DATETIME, dtm6 DATETIME(6), dtm3 DATETIME(3),
              ts TIMESTAMP NULL, ts6 TIMESTAMP(6) NULL, ts2 TIMESTAMP(2) NULL,
              c CHAR(10) CHARACTER SET utf8mb4, cl CHAR(5) CHARACTER SET latin1,
              c255 CHAR(255) CHARACTER SET utf8mb4, u3 CHAR(3) CHARACTER SET utf8mb3,
              vc VARCHAR(100) CHARACTER SET utf8mb4, vl VARCHAR(300) CHARACTER SET latin1,
              tx TEXT CHARACTER SET utf8mb4, ttx TINYTEXT CHARACTER SET latin1, mtx MEDIUMTEXT, ltx LONGTEXT,
              bn BINARY(4), vb VARBINARY(20), bl BLOB, tbl TINYBLOB, mbl MEDIUMBLOB, lbl LONGBLOB,
              g GEOMETRY,
              e ENUM('a','b','ç') CHARACTER SET latin1, e2 ENUM('😀','x') CHARACTER SET utf8mb4,
              s SET('x','y','z'), sb SET('a1','a2','a3','a4','a5','a6','a7','a8','a9'),
              j JSON
            ) ENGINE=InnoDB""";

    private static final String LATIN1_SPECIAL = "\u20AC\u0081\u008D\u008F\u0090\u009D\u00E9\u00FF";

    private static MariaDbServer server;

    @BeforeAll
    static void startServer() {
        server = MariaDbServer.start(MariaDbOptions.source("types"));
        server.execute("CREATE DATABASE shop", DDL);
    }

    @AfterAll
    static void stopServer() {
        if (server != null) {
            server.close();
        }
    }

    @Test
    void capturesEveryTypeWithItsExactJavaValue() throws Exception {
        RecordingSink sink = new RecordingSink();
        byte[] geom1;
        byte[] geom2;
        try (BinlogCapture capture = new BinlogCapture(CaptureTestSupport.config(server).build(), sink)) {
            capture.start(null);
            try (Connection c = server.connect("shop"); Statement st = c.createStatement()) {
                st.execute("SET SESSION sql_mode = ''");
                st.execute("SET SESSION time_zone = '+05:00'");
                st.execute("INSERT INTO types VALUES (1,"
                        + " -128, 0, -32768, 0, -8388608, 0, -2147483648, 0, -9223372036854775808, 0,"
                        + " -99999999999999999999999999999999999.999999999999999999999999999999, -12345678.90,"
                        + " -123456789.123456789, -1,"
                        + " -1234.5, -1.7976931348623157E308,"
                        + " b'0', b'1111111111', b'1000000000000000000000000000000000000000000000000000000000000001',"
                        + " 1901,"
                        + " '0000-00-00', '-838:59:59', '-838:59:59.000000', '-00:00:01.250', '-12:00:00.5',"
                        + " '0000-00-00 00:00:00', '1000-01-01 00:00:00.000001', '2024-02-29 13:45:00.123',"
                        + " '1970-01-01 05:00:01', '0000-00-00 00:00:00.000000', '2024-06-01 12:00:00.5',"
                        + " 'ab  ', 'é', 'x😀', 'äöü',"
                        + " 'emoji 😀 ✓ ', _latin1 x'80818D8F909DE9FF',"
                        + " 'text ü', 'tiny', REPEAT('m', 70000), '',"
                        + " 'A', x'00FF0000', x'DEADBEEF', x'', x'01', x'0203',"
                        + " ST_GeomFromText('POINT(1 2)'),"
                        + " 'ç', '😀', 'z,x', 'a1,a9',"
                        + " '{\"a\": [1, 2]}')");
                st.execute("SET SESSION time_zone = '+00:00'");
                st.execute("INSERT INTO types VALUES (2,"
                        + " 127, 255, 32767, 65535, 8388607, 16777215, 2147483647, 4294967295,"
                        + " 9223372036854775807, 18446744073709551615,"
                        + " 99999999999999999999999999999999999.999999999999999999999999999999, 99999999.99,"
                        + " 0.000000001, 99999,"
                        + " 16777216, 2.2250738585072014E-308,"
                        + " b'1', b'0', b'1111111111111111111111111111111111111111111111111111111111111111',"
                        + " 2155,"
                        + " '9999-12-31', '838:59:59', '838:59:59.000000', '00:00:00.000', '-00:00:00.1',"
                        + " '9999-12-31 23:59:59', '9999-12-31 23:59:59.999999', '2024-00-00 00:00:00.000',"
                        + " '2038-01-19 03:14:07', '2038-01-19 03:14:07.999999', '1970-01-01 00:00:01.01',"
                        + " '', '', REPEAT('😀', 255), '',"
                        + " '', REPEAT('a', 300),"
                        + " '', '', '', REPEAT('l', 5),"
                        + " x'00000000', x'', x'00', x'FF', x'', x'',"
                        + " ST_GeomFromText('POINT(0 0)'),"
                        + " '', 'x', '', '',"
                        + " '[]')");
                st.execute("INSERT INTO types (id) VALUES (3)");
                st.execute("INSERT INTO types (id, y, d, d2, dt, tm) VALUES (4, 0, 0.000000000000000000000000000001,"
                        + " 0, '2024-02-29', '00:00:00')");
                st.execute("UPDATE types SET i = 42, vc = 'changed', ts2 = NULL WHERE id = 1");
                st.execute("DELETE FROM types WHERE id = 2");
                try (ResultSet rs = st.executeQuery("SELECT g FROM types WHERE id = 1")) {
                    rs.next();
                    geom1 = rs.getBytes(1);
                }
            }
            try (Connection c = server.connect("shop"); Statement st = c.createStatement();
                 ResultSet rs = st.executeQuery("SELECT ST_GeomFromText('POINT(0 0)')")) {
                rs.next();
                geom2 = rs.getBytes(1);
            }
            CaptureTestSupport.awaitCaughtUp(server, sink, Duration.ofSeconds(30));
        }

        List<RowChange> rows = sink.rows();
        assertEquals(6, rows.size(), "rows captured: " + rows);
        assertTableDef(rows.get(0).table());

        Map<String, Object> r1 = row1(geom1);
        Map<String, Object> r2 = row2(geom2);
        Map<String, Object> r3 = nulls(3);
        Map<String, Object> r4 = nulls(4);
        r4.put("y", 0L);
        r4.put("d", new BigDecimal("0.000000000000000000000000000001"));
        r4.put("d2", new BigDecimal("0.00"));
        r4.put("dt", "2024-02-29");
        r4.put("tm", "00:00:00");

        assertChange(rows.get(0), RowChange.Op.INSERT, null, r1);
        assertChange(rows.get(1), RowChange.Op.INSERT, null, r2);
        assertChange(rows.get(2), RowChange.Op.INSERT, null, r3);
        assertChange(rows.get(3), RowChange.Op.INSERT, null, r4);
        Map<String, Object> r1after = new LinkedHashMap<>(r1);
        r1after.put("i", 42L);
        r1after.put("vc", "changed");
        r1after.put("ts2", null);
        assertChange(rows.get(4), RowChange.Op.UPDATE, r1, r1after);
        assertChange(rows.get(5), RowChange.Op.DELETE, r2, null);

        // an independent oracle: the latest image of every remaining row equals what the server itself returns
        assertEqualsServerValues(1, rows.get(4));
        assertEqualsServerValues(3, rows.get(2));
        assertEqualsServerValues(4, rows.get(3));
    }

    /** Compares a captured image with the row as the server returns it (temporals as CAST(.. AS CHAR) in UTC). */
    private static void assertEqualsServerValues(int id, RowChange latest) throws Exception {
        TableDef t = latest.table();
        try (Connection c = server.connect("shop"); Statement st = c.createStatement()) {
            st.execute("SET SESSION time_zone = '+00:00'");
            for (int i = 0; i < t.columns().size(); i++) {
                Column col = t.columns().get(i);
                String expr = switch (col.type()) {
                    case DATE, TIME, DATETIME, TIMESTAMP, DECIMAL, YEAR -> "CAST(" + col.name() + " AS CHAR)";
                    case BIT -> "CAST(" + col.name() + " AS UNSIGNED)";
                    default -> col.name();
                };
                Object captured = latest.latest(i);
                String ctx = "server value of id " + id + " column " + col.name();
                try (ResultSet rs = st.executeQuery("SELECT " + expr + " FROM types WHERE id = " + id)) {
                    rs.next();
                    if (captured == null) {
                        rs.getObject(1);
                        assertTrue(rs.wasNull(), ctx + " is not NULL");
                        continue;
                    }
                    switch (col.type()) {
                        case DATE, TIME, DATETIME, TIMESTAMP -> assertEquals(rs.getString(1), captured, ctx);
                        case DECIMAL -> assertEquals(new BigDecimal(rs.getString(1)), captured, ctx);
                        case YEAR, TINYINT, SMALLINT, MEDIUMINT, INT -> assertEquals(Long.parseLong(rs.getString(1)), captured, ctx);
                        case BIGINT -> assertEquals(new BigInteger(rs.getString(1)),
                                captured instanceof Long l ? BigInteger.valueOf(l) : captured, ctx);
                        case BIT -> assertEquals(new BigInteger(rs.getString(1)).longValue(), captured, ctx);
                        case FLOAT -> assertEquals(rs.getFloat(1), captured, ctx);
                        case DOUBLE -> assertEquals(rs.getDouble(1), captured, ctx);
                        case BINARY, VARBINARY, BLOB, GEOMETRY -> assertArrayEquals(rs.getBytes(1), (byte[]) captured, ctx);
                        default -> assertEquals(rs.getString(1), captured, ctx);
                    }
                }
            }
        }
    }

    @Test
    void oldTemporalFormatsDecodeWithoutFractionsAndRefuseFractions() throws Exception {
        server.execute("SET GLOBAL mysql56_temporal_format = OFF");
        try {
            server.execute("CREATE TABLE shop.old (id INT PRIMARY KEY, t TIME, dt DATETIME, ts TIMESTAMP NULL)",
                    "CREATE TABLE shop.oldfrac (id INT PRIMARY KEY, dt DATETIME(3))");
        } finally {
            server.execute("SET GLOBAL mysql56_temporal_format = ON");
        }
        RecordingSink sink = new RecordingSink();
        try (BinlogCapture capture = new BinlogCapture(CaptureTestSupport.config(server).include("shop.old").build(),
                sink)) {
            capture.start(null);
            try (Connection c = server.connect("shop"); Statement st = c.createStatement()) {
                st.execute("SET SESSION sql_mode = ''");
                st.execute("SET SESSION time_zone = '+00:00'");
                st.execute("INSERT INTO old VALUES (1, '-838:59:59', '0000-00-00 00:00:00', '2038-01-19 03:14:07'),"
                        + " (2, '12:34:56', '2024-02-29 13:45:00', NULL)");
            }
            CaptureTestSupport.awaitCaughtUp(server, sink, Duration.ofSeconds(30));
        }
        List<RowChange> rows = sink.rows();
        assertEquals(2, rows.size());
        assertEquals(List.of(1L, "-838:59:59", "0000-00-00 00:00:00", "2038-01-19 03:14:07"),
                List.copyOf(rows.get(0).afterMap().values()));
        assertEquals(java.util.Arrays.asList(2L, "12:34:56", "2024-02-29 13:45:00", null),
                new java.util.ArrayList<>(rows.get(1).afterMap().values()));

        RecordingSink refused = new RecordingSink();
        try (BinlogCapture capture = new BinlogCapture(CaptureTestSupport.config(server).include("shop.oldfrac")
                .build(), refused)) {
            capture.start(null);
            server.execute("INSERT INTO shop.oldfrac VALUES (1, '2024-02-29 13:45:00.123')");
            CaptureTestSupport.await("capture to refuse", Duration.ofSeconds(30),
                    () -> capture.state() == BinlogCapture.State.FAILED);
            String m = capture.failure().getMessage();
            assertTrue(m.contains("shop.oldfrac") && m.contains("[dt]") && m.contains("FORCE"), m);
            assertTrue(refused.rows().isEmpty());
        }
    }

    private static Map<String, Object> row1(byte[] geom) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("id", 1L);
        m.put("ti", -128L);
        m.put("tiu", 0L);
        m.put("si", -32768L);
        m.put("siu", 0L);
        m.put("mi", -8388608L);
        m.put("miu", 0L);
        m.put("i", -2147483648L);
        m.put("iu", 0L);
        m.put("bi", Long.MIN_VALUE);
        m.put("biu", BigInteger.ZERO);
        m.put("d", new BigDecimal("-99999999999999999999999999999999999.999999999999999999999999999999"));
        m.put("d2", new BigDecimal("-12345678.90"));
        m.put("d3", new BigDecimal("-123456789.123456789"));
        m.put("d0", new BigDecimal("-1"));
        m.put("fl", -1234.5f);
        m.put("db", -1.7976931348623157E308);
        m.put("b1", 0L);
        m.put("b10", 1023L);
        m.put("b64", Long.MIN_VALUE + 1);
        m.put("y", 1901L);
        m.put("dt", "0000-00-00");
        m.put("tm", "-838:59:59");
        m.put("tm6", "-838:59:59.000000");
        m.put("tm3", "-00:00:01.250");
        m.put("tm1", "-12:00:00.5");
        m.put("dtm", "0000-00-00 00:00:00");
        m.put("dtm6", "1000-01-01 00:00:00.000001");
        m.put("dtm3", "2024-02-29 13:45:00.123");
        m.put("ts", "1970-01-01 00:00:01");
        m.put("ts6", "0000-00-00 00:00:00.000000");
        m.put("ts2", "2024-06-01 07:00:00.50");
        m.put("c", "ab");
        m.put("cl", "é");
        m.put("c255", "x😀");
        m.put("u3", "äöü");
        m.put("vc", "emoji 😀 ✓ ");
        m.put("vl", LATIN1_SPECIAL);
        m.put("tx", "text ü");
        m.put("ttx", "tiny");
        m.put("mtx", "m".repeat(70000));
        m.put("ltx", "");
        m.put("bn", new byte[] {'A', 0, 0, 0});
        m.put("vb", new byte[] {0, (byte) 0xFF, 0, 0});
        m.put("bl", new byte[] {(byte) 0xDE, (byte) 0xAD, (byte) 0xBE, (byte) 0xEF});
        m.put("tbl", new byte[0]);
        m.put("mbl", new byte[] {1});
        m.put("lbl", new byte[] {2, 3});
        m.put("g", geom);
        m.put("e", "ç");
        m.put("e2", "😀");
        m.put("s", "x,z");
        m.put("sb", "a1,a9");
        m.put("j", "{\"a\": [1, 2]}");
        return m;
    }

    private static Map<String, Object> row2(byte[] geom) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("id", 2L);
        m.put("ti", 127L);
        m.put("tiu", 255L);
        m.put("si", 32767L);
        m.put("siu", 65535L);
        m.put("mi", 8388607L);
        m.put("miu", 16777215L);
        m.put("i", 2147483647L);
        m.put("iu", 4294967295L);
        m.put("bi", Long.MAX_VALUE);
        m.put("biu", new BigInteger("18446744073709551615"));
        m.put("d", new BigDecimal("99999999999999999999999999999999999.999999999999999999999999999999"));
        m.put("d2", new BigDecimal("99999999.99"));
        m.put("d3", new BigDecimal("0.000000001"));
        m.put("d0", new BigDecimal("99999"));
        m.put("fl", 16777216f);
        m.put("db", 2.2250738585072014E-308);
        m.put("b1", 1L);
        m.put("b10", 0L);
        m.put("b64", -1L);
        m.put("y", 2155L);
        m.put("dt", "9999-12-31");
        m.put("tm", "838:59:59");
        m.put("tm6", "838:59:59.000000");
        m.put("tm3", "00:00:00.000");
        m.put("tm1", "-00:00:00.1");
        m.put("dtm", "9999-12-31 23:59:59");
        m.put("dtm6", "9999-12-31 23:59:59.999999");
        m.put("dtm3", "2024-00-00 00:00:00.000");
        m.put("ts", "2038-01-19 03:14:07");
        m.put("ts6", "2038-01-19 03:14:07.999999");
        m.put("ts2", "1970-01-01 00:00:01.01");
        m.put("c", "");
        m.put("cl", "");
        m.put("c255", "😀".repeat(255));
        m.put("u3", "");
        m.put("vc", "");
        m.put("vl", "a".repeat(300));
        m.put("tx", "");
        m.put("ttx", "");
        m.put("mtx", "");
        m.put("ltx", "lllll");
        m.put("bn", new byte[] {0, 0, 0, 0});
        m.put("vb", new byte[0]);
        m.put("bl", new byte[] {0});
        m.put("tbl", new byte[] {(byte) 0xFF});
        m.put("mbl", new byte[0]);
        m.put("lbl", new byte[0]);
        m.put("g", geom);
        m.put("e", "");
        m.put("e2", "x");
        m.put("s", "");
        m.put("sb", "");
        m.put("j", "[]");
        return m;
    }

    private static Map<String, Object> nulls(long id) {
        Map<String, Object> m = new LinkedHashMap<>(row1(null));
        m.replaceAll((k, v) -> null);
        m.put("id", id);
        return m;
    }

    private static void assertTableDef(TableDef t) {
        assertEquals("shop", t.schema());
        assertEquals("types", t.table());
        assertEquals(List.of("id"), t.primaryKey());
        Object[][] expected = {
                {"id", SqlType.INT, false, null}, {"ti", SqlType.TINYINT, false, null},
                {"tiu", SqlType.TINYINT, true, null}, {"si", SqlType.SMALLINT, false, null},
                {"siu", SqlType.SMALLINT, true, null}, {"mi", SqlType.MEDIUMINT, false, null},
                {"miu", SqlType.MEDIUMINT, true, null}, {"i", SqlType.INT, false, null},
                {"iu", SqlType.INT, true, null}, {"bi", SqlType.BIGINT, false, null},
                {"biu", SqlType.BIGINT, true, null}, {"d", SqlType.DECIMAL, false, null},
                {"d2", SqlType.DECIMAL, false, null}, {"d3", SqlType.DECIMAL, false, null},
                {"d0", SqlType.DECIMAL, false, null}, {"fl", SqlType.FLOAT, false, null},
                {"db", SqlType.DOUBLE, false, null}, {"b1", SqlType.BIT, false, null},
                {"b10", SqlType.BIT, false, null}, {"b64", SqlType.BIT, false, null},
                {"y", SqlType.YEAR, true, null}, {"dt", SqlType.DATE, false, null},
                {"tm", SqlType.TIME, false, null}, {"tm6", SqlType.TIME, false, null},
                {"tm3", SqlType.TIME, false, null}, {"tm1", SqlType.TIME, false, null},
                {"dtm", SqlType.DATETIME, false, null}, {"dtm6", SqlType.DATETIME, false, null},
                {"dtm3", SqlType.DATETIME, false, null}, {"ts", SqlType.TIMESTAMP, false, null},
                {"ts6", SqlType.TIMESTAMP, false, null}, {"ts2", SqlType.TIMESTAMP, false, null},
                {"c", SqlType.CHAR, false, "utf8mb4"}, {"cl", SqlType.CHAR, false, "latin1"},
                {"c255", SqlType.CHAR, false, "utf8mb4"}, {"u3", SqlType.CHAR, false, "utf8mb3"},
                {"vc", SqlType.VARCHAR, false, "utf8mb4"}, {"vl", SqlType.VARCHAR, false, "latin1"},
                {"tx", SqlType.TEXT, false, "utf8mb4"}, {"ttx", SqlType.TEXT, false, "latin1"},
                {"mtx", SqlType.TEXT, false, "utf8mb4"}, {"ltx", SqlType.TEXT, false, "utf8mb4"},
                {"bn", SqlType.BINARY, false, null}, {"vb", SqlType.VARBINARY, false, null},
                {"bl", SqlType.BLOB, false, null}, {"tbl", SqlType.BLOB, false, null},
                {"mbl", SqlType.BLOB, false, null}, {"lbl", SqlType.BLOB, false, null},
                {"g", SqlType.GEOMETRY, false, null},
                {"e", SqlType.ENUM, false, "latin1"}, {"e2", SqlType.ENUM, false, "utf8mb4"},
                {"s", SqlType.SET, false, "utf8mb4"}, {"sb", SqlType.SET, false, "utf8mb4"},
                {"j", SqlType.TEXT, false, "utf8mb4"},
        };
        assertEquals(expected.length, t.columns().size(), "columns: " + t.columns());
        for (int i = 0; i < expected.length; i++) {
            Column c = t.columns().get(i);
            assertEquals(new Column((String) expected[i][0], (SqlType) expected[i][1], (Boolean) expected[i][2],
                    (String) expected[i][3]), c, "column " + i);
        }
    }

    private static void assertChange(RowChange change, RowChange.Op op, Map<String, Object> before,
                                     Map<String, Object> after) {
        assertEquals(op, change.op(), change.toString());
        assertEquals(before != null, change.hasBefore());
        assertEquals(after != null, change.hasAfter());
        if (before != null) {
            assertImage(before, change.beforeMap(), op + " before");
        }
        if (after != null) {
            assertImage(after, change.afterMap(), op + " after");
        }
        assertNotNull(change.transactionId());
    }

    private static void assertImage(Map<String, Object> expected, Map<String, Object> actual, String what) {
        assertEquals(List.copyOf(expected.keySet()), List.copyOf(actual.keySet()), what + " columns");
        for (Map.Entry<String, Object> e : expected.entrySet()) {
            String ctx = what + " of id " + expected.get("id") + ", column " + e.getKey();
            Object exp = e.getValue();
            Object act = actual.get(e.getKey());
            if (exp == null) {
                assertNull(act, ctx);
                continue;
            }
            assertNotNull(act, ctx);
            assertEquals(exp.getClass(), act.getClass(), ctx + " (value " + act + ")");
            if (exp instanceof byte[] eb) {
                assertArrayEquals(eb, (byte[]) act, ctx);
            } else {
                assertEquals(exp, act, ctx);
            }
        }
    }
}
