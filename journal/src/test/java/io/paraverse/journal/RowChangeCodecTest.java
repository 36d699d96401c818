package io.paraverse.journal;

import io.paraverse.translator.Column;
import io.paraverse.translator.Commit;
import io.paraverse.translator.RowChange;
import io.paraverse.translator.SourcePosition;
import io.paraverse.translator.SqlType;
import io.paraverse.translator.TableDef;
import org.junit.jupiter.api.Test;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class RowChangeCodecTest {

    /** Every Java value type SqlType lists, with the edge values that break naive encodings. */
    static final Object[] EDGE_VALUES = {
            null,
            0L, 1L, -1L, 127L, 128L, Long.MAX_VALUE, Long.MIN_VALUE,
            new BigInteger("18446744073709551615"), BigInteger.ZERO, new BigInteger("-18446744073709551616"),
            new BigDecimal("12345678901234567890123456789012345.123456789012345678901234567890"), // DECIMAL(65,30)
            new BigDecimal("-99999999999999999999999999999999999.999999999999999999999999999999"),
            new BigDecimal("0.000"), new BigDecimal("1E+10"), BigDecimal.ZERO,
            Float.NaN, Float.intBitsToFloat(0x7fc00123), -0.0f, 0.0f, Float.MIN_VALUE, Float.MAX_VALUE,
            Float.NEGATIVE_INFINITY,
            Double.NaN, Double.longBitsToDouble(0x7ff8000000000abcL), -0.0d, 0.0d, Double.MIN_VALUE,
            Double.MAX_VALUE, Double.POSITIVE_INFINITY,
            "", "plain ascii", "h\u00e9llo w\u00f6rld", "emoji \uD83D\uDE00 and \uD83C\uDFF3\uFE0F\u200D\uD83C\uDF08",
            "\u0081 C1 control", "\u0000 nul inside", "lone high \uD800 surrogate", "lone low \uDC00", "\uDBFF",
            "0000-00-00 00:00:00", "-838:59:59.000000",
            new byte[0], new byte[] {0, 1, -1, -128, 127}, bigBytes(100_000),
    };

    private static byte[] bigBytes(int n) {
        byte[] b = new byte[n];
        for (int i = 0; i < n; i++) {
            b[i] = (byte) (i * 31);
        }
        return b;
    }

    private static Object roundTrip(Object value) {
        ByteSink out = new ByteSink();
        RowChangeCodec.encodeValue(value, out);
        ByteBuffer in = ByteBuffer.wrap(out.toByteArray());
        Object back = RowChangeCodec.decodeValue(in);
        assertFalse(in.hasRemaining(), "decoding " + describe(value) + " left bytes unread");
        return back;
    }

    @Test
    void everyValueTypeRoundTripsExactly() {
        for (Object v : EDGE_VALUES) {
            assertExactlyEqual(v, roundTrip(v));
        }
    }

    /** Equal including class, float bit patterns (NaN payload, -0.0), BigDecimal scale and byte[] content. */
    static void assertExactlyEqual(Object expected, Object actual) {
        String what = describe(expected);
        if (expected == null) {
            assertNull(actual, what);
            return;
        }
        assertNotNull(actual, what);
        assertEquals(expected.getClass(), actual.getClass(), what);
        if (expected instanceof byte[] b) {
            assertArrayEquals(b, (byte[]) actual, what);
        } else if (expected instanceof Float f) {
            assertEquals(Float.floatToRawIntBits(f), Float.floatToRawIntBits((Float) actual), what);
        } else if (expected instanceof Double d) {
            assertEquals(Double.doubleToRawLongBits(d), Double.doubleToRawLongBits((Double) actual), what);
        } else if (expected instanceof BigDecimal d) {
            assertEquals(d.scale(), ((BigDecimal) actual).scale(), what);
            assertEquals(d, actual, what);
        } else {
            assertEquals(expected, actual, what);
        }
    }

    private static String describe(Object v) {
        return v == null ? "null" : v.getClass().getSimpleName() + " "
                + (v instanceof byte[] b ? b.length + " bytes" : v.toString().chars().limit(40)
                .collect(StringBuilder::new, (sb, c) -> sb.append(c < 0x20 || c > 0x7e ? String.format("\\u%04x", c)
                        : String.valueOf((char) c)), StringBuilder::append));
    }

    @Test
    void emptyBytesAndNullStayDistinct() {
        assertNull(roundTrip(null));
        Object empty = roundTrip(new byte[0]);
        assertInstanceOf(byte[].class, empty);
        assertEquals(0, ((byte[]) empty).length);
        assertEquals("", roundTrip(""));
    }

    @Test
    void rowsOfEveryOpRoundTripWithAllEdgeValues() {
        List<Column> cols = new ArrayList<>();
        for (int i = 0; i < EDGE_VALUES.length; i++) {
            cols.add(Column.of("c" + i, SqlType.values()[i % SqlType.values().length]));
        }
        TableDef wide = new TableDef("db", "wide", cols, List.of("c1"));
        Object[] after = EDGE_VALUES.clone();
        List<Object> reversed = new ArrayList<>(Arrays.asList(EDGE_VALUES));
        java.util.Collections.reverse(reversed);
        Object[] before = reversed.toArray();
        SourcePosition pos = new SourcePosition(null, null, "bin.000007", 4L);
        List<RowChange> changes = List.of(
                new RowChange(wide, RowChange.Op.INSERT, null, after, pos, 0L),
                new RowChange(wide, RowChange.Op.UPDATE, before, after, pos, -5L),
                new RowChange(wide, RowChange.Op.DELETE, before, null,
                        new SourcePosition("1-2-3", "0-1-9,1-2-3", "bin.000008", Long.MAX_VALUE), Long.MAX_VALUE));
        for (RowChange c : changes) {
            ByteSink out = new ByteSink();
            RowChangeCodec.encodeRow(c, 7, out);
            ByteBuffer in = ByteBuffer.wrap(out.toByteArray());
            RowChange back = RowChangeCodec.decodeRow(in, id -> id == 7 ? wide : null);
            assertFalse(in.hasRemaining());
            assertEquals(c, back, c.op() + " row");
            for (int i = 0; i < EDGE_VALUES.length; i++) {
                if (c.hasBefore()) {
                    assertExactlyEqual(c.before(i), back.before(i));
                }
                if (c.hasAfter()) {
                    assertExactlyEqual(c.after(i), back.after(i));
                }
            }
        }
    }

    @Test
    void tableDefRoundTripsWithEveryTypeAndCompositeKey() {
        List<Column> cols = new ArrayList<>();
        for (SqlType t : SqlType.values()) {
            cols.add(new Column("col_" + t.name().toLowerCase(), t, t.isInteger(), t == SqlType.VARCHAR ? "latin1" : null));
        }
        TableDef def = new TableDef("s\u00e9chema", "t\uD83D\uDE00", cols, List.of("col_int", "col_varchar"));
        ByteSink out = new ByteSink();
        RowChangeCodec.encodeTableDef(def, out);
        ByteBuffer in = ByteBuffer.wrap(out.toByteArray());
        TableDef back = RowChangeCodec.decodeTableDef(in);
        assertFalse(in.hasRemaining());
        assertEquals(def, back);
        assertEquals(def.columns(), back.columns());
    }

    @Test
    void commitRoundTrips() {
        Commit c = new Commit(new SourcePosition("0-1-42", "0-1-42,2-3-7", "mariadb-bin.000123", 123456789L),
                1_712_345_678_000L);
        ByteSink out = new ByteSink();
        RowChangeCodec.encodeCommit(c, out);
        assertEquals(c, RowChangeCodec.decodeCommit(ByteBuffer.wrap(out.toByteArray())));
    }

    @Test
    void rowsCarryATableIdNotColumnNames() {
        ByteSink out = new ByteSink();
        RowChangeCodec.encodeRow(new RowChange(TestChanges.ORDERS, RowChange.Op.INSERT, null,
                new Object[] {1L, "Ada", BigDecimal.TEN, "n/a"}, TestChanges.position(1, 1), 0L), 0, out);
        String bytes = new String(out.toByteArray(), StandardCharsets.ISO_8859_1);
        for (Column c : TestChanges.ORDERS.columns()) {
            assertFalse(bytes.contains(c.name()), "row encoding repeats column name " + c.name());
        }
        assertFalse(bytes.contains("orders"), "row encoding repeats the table name");
    }

    @Test
    void unsupportedValueClassNamesTableAndColumn() {
        RowChange bad = new RowChange(TestChanges.ORDERS, RowChange.Op.INSERT, null,
                new Object[] {1L, "x", 42, "y"}, TestChanges.position(1, 1), 0L);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> RowChangeCodec.encodeRow(bad, 0, new ByteSink()));
        assertTrue(e.getMessage().contains("shop.orders.amount"), e.getMessage());
        assertTrue(e.getMessage().contains("java.lang.Integer"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> RowChangeCodec.encodeValue(new java.util.Date(), new ByteSink()));
    }

    @Test
    void malformedInputFailsInsteadOfInventingValues() {
        assertThrows(IllegalArgumentException.class, () -> RowChangeCodec.decodeValue(ByteBuffer.wrap(new byte[] {99})));
        // a string claiming more bytes than exist must not allocate or read garbage
        byte[] lying = {RowChangeCodec.STRING_UTF8, (byte) 0xff, (byte) 0xff, (byte) 0xff, 0x7f, 'a'};
        assertThrows(IllegalArgumentException.class, () -> RowChangeCodec.decodeValue(ByteBuffer.wrap(lying)));
        ByteSink row = new ByteSink();
        RowChangeCodec.encodeRow(TestChanges.order(1, 1), 3, row);
        assertThrows(IllegalArgumentException.class,
                () -> RowChangeCodec.decodeRow(ByteBuffer.wrap(row.toByteArray()), id -> null));
    }
}
