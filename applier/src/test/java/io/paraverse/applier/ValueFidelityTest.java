package io.paraverse.applier;

import io.paraverse.translator.Column;
import io.paraverse.translator.IdentityTranslator;
import io.paraverse.translator.SqlType;
import io.paraverse.translator.TableDef;
import io.paraverse.translator.TranslationContext;
import org.junit.jupiter.api.Test;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Every Java value type of the change model, at its edges, is stored exactly: read back and compared. */
class ValueFidelityTest extends SharedTargetTest {
    static final String DB = "t_values";



    static final List<Column> COLUMNS = List.of(
            Column.of("id", SqlType.BIGINT),
            new Column("u64", SqlType.BIGINT, true, null),
            Column.of("i64", SqlType.BIGINT),
            Column.of("i8", SqlType.TINYINT),
            Column.of("dec", SqlType.DECIMAL),
            Column.of("f", SqlType.FLOAT),
            Column.of("d", SqlType.DOUBLE),
            Column.of("bits", SqlType.BIT),
            Column.of("bits5", SqlType.BIT),
            Column.of("yr", SqlType.YEAR),
            Column.of("dt", SqlType.DATE),
            Column.of("dtm", SqlType.DATETIME),
            Column.of("ts", SqlType.TIMESTAMP),
            Column.of("tm", SqlType.TIME),
            new Column("emoji", SqlType.VARCHAR, false, "utf8mb4"),
            new Column("lat", SqlType.VARCHAR, false, "latin1"),
            new Column("txt", SqlType.TEXT, false, "utf8mb4"),
            Column.of("bin", SqlType.VARBINARY),
            Column.of("fixbin", SqlType.BINARY),
            Column.of("blb", SqlType.BLOB),
            Column.of("en", SqlType.ENUM),
            Column.of("st", SqlType.SET),
            Column.of("js", SqlType.JSON),
            Column.of("geo", SqlType.GEOMETRY));
    static final TableDef ALL = new TableDef(DB, "all_types", COLUMNS, List.of("id"));
    static final TableDef FLOATS = new TableDef(DB, "floats", List.of(Column.of("id", SqlType.BIGINT),
            Column.of("f", SqlType.FLOAT), Column.of("d", SqlType.DOUBLE)), List.of("id"));
    static final TableDef BINKEY = new TableDef(DB, "binkey", List.of(Column.of("k", SqlType.VARBINARY),
            Column.of("v", SqlType.BIGINT)), List.of("k"));

    static final BigInteger U64_MAX = new BigInteger("18446744073709551615");
    static final BigDecimal DEC_MAX = new BigDecimal("99999999999999999999999999999999999.999999999999999999999999999999");
    static final BigDecimal DEC_SMALL = new BigDecimal("-0.000000000000000000000000000001");
    static final byte[] BIN = {0x00, (byte) 0xFF, '\'', '\\', '"', '\n', '\r', 0x1A, 0x00};
    static final byte[] ALL_BYTES = new byte[256];
    static final byte[] POINT = point(1.5, -2.25);

    static {
        for (int i = 0; i < 256; i++) {
            ALL_BYTES[i] = (byte) i;
        }
    }

    /** MariaDB's internal geometry format: SRID (4 bytes LE) then WKB. */
    static byte[] point(double x, double y) {
        return ByteBuffer.allocate(25).order(ByteOrder.LITTLE_ENDIAN).putInt(0).put((byte) 1).putInt(1).putDouble(x)
                .putDouble(y).array();
    }

    static Object[] full() {
        return new Object[] {1L, U64_MAX, Long.MIN_VALUE, -128L, DEC_MAX, Float.MAX_VALUE, Double.MAX_VALUE,
                -1L, 21L, 2155L, "0000-00-00", "0000-00-00 00:00:00", "2024-02-29 13:45:00.123456",
                "-838:59:59.000000", "a😀b𝄞 ✓", "é\u0081ÿ", "line1\nline2\t'quoted' \\ back", BIN, new byte[] {0, 1, 0},
                ALL_BYTES, "b", "x,z", "{\"k\": [1, 2.5, \"ü\"]}", POINT};
    }

    static Object[] nulls() {
        Object[] r = new Object[COLUMNS.size()];
        r[0] = 2L;
        return r;
    }

    static Object[] other() {
        return new Object[] {3L, BigInteger.ZERO, Long.MAX_VALUE, 127L, DEC_SMALL, -Float.MAX_VALUE, -Double.MAX_VALUE,
                0L, 0L, 1901L, "9999-12-31", "9999-12-31 23:59:59.999999", "1970-01-01 00:00:01.000000",
                "838:59:59.000000", "", "", "", new byte[0], new byte[] {0, 0, 0}, new byte[0], "a", "", "[]",
                point(0, 0)};
    }

    static void recreate() {
        TestTarget.recreate(server, DB, "CREATE TABLE %db.all_types (id BIGINT NOT NULL PRIMARY KEY,"
                        + " u64 BIGINT UNSIGNED, i64 BIGINT, i8 TINYINT, `dec` DECIMAL(65,30), f FLOAT, d DOUBLE,"
                        + " bits BIT(64), bits5 BIT(5), yr YEAR, dt DATE, dtm DATETIME(6), ts TIMESTAMP(6) NULL,"
                        + " tm TIME(6), emoji VARCHAR(20) CHARACTER SET utf8mb4, lat VARCHAR(10) CHARACTER SET latin1,"
                        + " txt TEXT CHARACTER SET utf8mb4, bin VARBINARY(20), fixbin BINARY(3), blb BLOB,"
                        + " en ENUM('a','b','c'), st SET('x','y','z'), js JSON, geo GEOMETRY NULL)",
                "CREATE TABLE %db.floats (id BIGINT NOT NULL PRIMARY KEY, f FLOAT, d DOUBLE)",
                "CREATE TABLE %db.binkey (k VARBINARY(8) NOT NULL PRIMARY KEY, v BIGINT)",
                "CREATE TABLE %db.autoinc (id INT NOT NULL AUTO_INCREMENT PRIMARY KEY, v VARCHAR(5))");
    }

    static Applier applier(String pipeline) {
        return new Applier(ds, new IdentityTranslator(), TranslationContext.of(Map.of(), Map.of()),
                ApplierOptions.defaults(pipeline));
    }

    @Test
    void everyValueTypeIsStoredExactly() throws SQLException {
        recreate();
        Object[] older = other().clone();
        older[0] = 1L;
        Entries j = new Entries()
                .insert(ALL, older).commit() // then updated to the full row: the update path carries the values too
                .update(ALL, older, full()).insert(ALL, nulls()).insert(ALL, other()).commit();
        applier("values").runUntilCaughtUp(j.reader());

        String select = "SELECT CAST(u64 AS CHAR), CAST(i64 AS CHAR), CAST(i8 AS CHAR), CAST(`dec` AS CHAR), f, d,"
                + " CAST(bits + 0 AS CHAR), CAST(bits5 + 0 AS CHAR), CAST(yr AS CHAR), CAST(dt AS CHAR),"
                + " CAST(dtm AS CHAR), CAST(ts AS CHAR), UNIX_TIMESTAMP(ts), CAST(tm AS CHAR), emoji, lat, HEX(lat), txt,"
                + " bin, fixbin, blb, en, st, js, ST_AsText(geo), HEX(geo) FROM t_values.all_types WHERE id = ?";
        // binary protocol (server-side prepared) so FLOAT and DOUBLE come back as their exact IEEE bits
        try (Connection c = DriverManager.getConnection(server.jdbcUrl("") + "?useServerPrepStmts=true",
                server.user(), server.password())) {
            c.createStatement().execute("SET time_zone = '+00:00'");
            List<Object> r1 = read(c, select, 1);
            assertEquals("18446744073709551615", r1.get(0));
            assertEquals(String.valueOf(Long.MIN_VALUE), r1.get(1));
            assertEquals("-128", r1.get(2));
            assertEquals(DEC_MAX.toPlainString(), r1.get(3));
            assertEquals(Float.MAX_VALUE, r1.get(4));
            assertEquals(Double.MAX_VALUE, r1.get(5));
            assertEquals("18446744073709551615", r1.get(6)); // BIT(64) with all bits set (Long -1)
            assertEquals("21", r1.get(7));
            assertEquals("2155", r1.get(8));
            assertEquals("0000-00-00", r1.get(9));
            assertEquals("0000-00-00 00:00:00.000000", r1.get(10));
            assertEquals("2024-02-29 13:45:00.123456", r1.get(11));
            assertEquals("1709214300.123456", r1.get(12)); // the TIMESTAMP string was taken as UTC
            assertEquals("-838:59:59.000000", r1.get(13));
            assertEquals("a😀b𝄞 ✓", r1.get(14));
            assertEquals("é\u0081ÿ", r1.get(15));
            assertEquals("E981FF", r1.get(16)); // stored as latin1 bytes
            assertEquals("line1\nline2\t'quoted' \\ back", r1.get(17));
            assertArrayEquals(BIN, (byte[]) r1.get(18));
            assertArrayEquals(new byte[] {0, 1, 0}, (byte[]) r1.get(19));
            assertArrayEquals(ALL_BYTES, (byte[]) r1.get(20));
            assertEquals("b", r1.get(21));
            assertEquals("x,z", r1.get(22));
            assertEquals("{\"k\": [1, 2.5, \"ü\"]}", r1.get(23));
            assertEquals("POINT(1.5 -2.25)", r1.get(24));
            assertEquals(HexFormat.of().withUpperCase().formatHex(POINT), r1.get(25));

            List<Object> r2 = read(c, select, 2);
            for (int i = 0; i < r2.size(); i++) {
                assertNull(r2.get(i), "column " + i + " of the NULL row");
            }

            List<Object> r3 = read(c, select, 3);
            assertEquals("0", r3.get(0));
            assertEquals(String.valueOf(Long.MAX_VALUE), r3.get(1));
            assertEquals(DEC_SMALL.toPlainString(), r3.get(3));
            assertEquals(-Float.MAX_VALUE, r3.get(4));
            assertEquals(-Double.MAX_VALUE, r3.get(5));
            assertEquals("0", r3.get(6));
            assertEquals("1901", r3.get(8));
            assertEquals("9999-12-31", r3.get(9));
            assertEquals("9999-12-31 23:59:59.999999", r3.get(10));
            assertEquals("1970-01-01 00:00:01.000000", r3.get(11));
            assertEquals("838:59:59.000000", r3.get(13));
            assertEquals("", r3.get(14));
            assertArrayEquals(new byte[0], (byte[]) r3.get(18));
            assertArrayEquals(new byte[] {0, 0, 0}, (byte[]) r3.get(19));
            assertEquals("", r3.get(22));
        }
    }

    @Test
    void floatAndDoubleEdgeValuesRoundTrip() throws SQLException {
        recreate();
        float[] fs = {Float.MAX_VALUE, -Float.MAX_VALUE, Float.MIN_NORMAL, Float.MIN_VALUE, 0f, 1f / 3, 0.1f,
                123456.79f, -7.0e-10f, 16777217f};
        double[] dsv = {Double.MAX_VALUE, -Double.MAX_VALUE, Double.MIN_NORMAL, Double.MIN_VALUE, 0d, 1d / 3, 0.1,
                123456789.123456789, -7.0e-300, 9007199254740993d};
        Entries j = new Entries();
        for (int i = 0; i < fs.length; i++) {
            j.insert(FLOATS, (long) i, fs[i], dsv[i]);
        }
        j.commit();
        applier("floats").runUntilCaughtUp(j.reader());
        try (Connection c = DriverManager.getConnection(server.jdbcUrl("") + "?useServerPrepStmts=true",
                server.user(), server.password());
             PreparedStatement ps = c.prepareStatement("SELECT id, f, d FROM t_values.floats ORDER BY id");
             ResultSet rs = ps.executeQuery()) {
            int n = 0;
            while (rs.next()) {
                int i = rs.getInt(1);
                assertEquals(Float.floatToIntBits(fs[i]), Float.floatToIntBits(rs.getFloat(2)), "float " + fs[i]);
                assertEquals(Double.doubleToLongBits(dsv[i]), Double.doubleToLongBits(rs.getDouble(3)), "double " + dsv[i]);
                n++;
            }
            assertEquals(fs.length, n);
        }
    }

    @Test
    void binaryKeysAreComparedByContent() {
        recreate();
        Entries j = new Entries()
                .insert(BINKEY, new byte[] {0, (byte) 0xFF}, 1L)
                .insert(BINKEY, new byte[] {0}, 2L)
                .update(BINKEY, new Object[] {new byte[] {0, (byte) 0xFF}, 1L}, new Object[] {new byte[] {0, (byte) 0xFF}, 3L})
                .delete(BINKEY, new byte[] {0}, 2L)
                .commit();
        applier("binkey").runUntilCaughtUp(j.reader());
        assertEquals(List.of(TestTarget.row("00FF", "3")),
                TestTarget.rows(server, "SELECT HEX(k), v FROM t_values.binkey ORDER BY k"));
    }

    @Test
    void valueOfAnUnsupportedClassIsAClearError() {
        recreate();
        Entries j = new Entries().insert(FLOATS, 1L, 1.5f, 2.5d).commit()
                .insert(FLOATS, 2L, 1.5f, java.time.LocalDate.of(2024, 1, 1)).commit();
        Applier a = applier("unsupported");
        ApplyException e = assertThrows(ApplyException.class, () -> a.runUntilCaughtUp(j.reader()));
        assertTrue(e.getMessage().contains("column d"), e.getMessage());
        assertTrue(e.getMessage().contains("java.time.LocalDate"), e.getMessage());
        assertTrue(e.getMessage().contains("t_values.floats"), e.getMessage());
        assertTrue(e.getMessage().contains("journal seq 3"), e.getMessage());
        assertTrue(e.getMessage().contains(Entries.BINLOG + ":"), e.getMessage());
        assertEquals(List.of(), TestTarget.rows(server, "SELECT id FROM t_values.floats WHERE id = 2"));
    }

    @Test
    void explicitZeroIdIsStoredAsZero() {
        recreate();
        TableDef auto = new TableDef(DB, "autoinc", List.of(Column.of("id", SqlType.INT), Column.of("v", SqlType.VARCHAR)),
                List.of("id"));
        Entries j = new Entries().insert(auto, 0L, "zero").insert(auto, 5L, "five").commit();
        applier("autoinc").runUntilCaughtUp(j.reader());
        assertEquals(List.of(TestTarget.row("0", "zero"), TestTarget.row("5", "five")),
                TestTarget.rows(server, "SELECT id, v FROM t_values.autoinc ORDER BY id"));
    }

    @Test
    void rowLargerThanMaxAllowedPacketIsAClearErrorNotARetry() {
        recreate();
        server.execute("CREATE TABLE t_values.big (id BIGINT NOT NULL PRIMARY KEY, v LONGBLOB)");
        TableDef big = new TableDef(DB, "big", List.of(Column.of("id", SqlType.BIGINT), Column.of("v", SqlType.BLOB)),
                List.of("id"));
        long packet = Long.parseLong(TestTarget.rows(server, "SELECT @@max_allowed_packet").get(0).get(0));
        Entries j = new Entries().insert(big, 1L, new byte[1000]).commit()
                .insert(big, 2L, new byte[(int) packet + 1]).commit();
        Applier a = applier("big");
        ApplyException e = assertThrows(ApplyException.class, () -> a.runUntilCaughtUp(j.reader()));
        assertTrue(e.getMessage().contains("max_allowed_packet"), e.getMessage());
        assertTrue(e.getMessage().contains("key [2]"), e.getMessage());
        assertFalse(e.retryable());
        assertEquals(0, a.stats().retries());
        assertEquals(List.of(), TestTarget.rows(server, "SELECT id FROM t_values.big"));
    }

    private static List<Object> read(Connection c, String sql, long id) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(sql)) {
            ps.setLong(1, id);
            try (ResultSet rs = ps.executeQuery()) {
                assertTrue(rs.next(), "row " + id);
                List<Object> out = new ArrayList<>();
                int n = rs.getMetaData().getColumnCount();
                for (int i = 1; i <= n; i++) {
                    Object v;
                    switch (i) {
                        case 5 -> v = rs.getObject(i) == null ? null : rs.getFloat(i);
                        case 6 -> v = rs.getObject(i) == null ? null : rs.getDouble(i);
                        case 19, 20, 21 -> v = rs.getBytes(i);
                        default -> v = rs.getString(i);
                    }
                    out.add(v);
                }
                return out;
            }
        }
    }

    static String hex(byte[] b) {
        return HexFormat.of().formatHex(b) + Arrays.toString(b);
    }
}
