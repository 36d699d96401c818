package io.paraverse.capture;

import com.github.shyiko.mysql.binlog.event.deserialization.json.JsonBinary;

import java.io.IOException;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * Decodes row images of WRITE/UPDATE/DELETE_ROWS events straight from the event bytes into the Java values
 * {@link io.paraverse.translator.SqlType} prescribes. One instance per stream; not thread-safe.
 *
 * <p>Temporal values are rendered from their binary fields (never through java.time), so zero dates and
 * out-of-calendar values survive exactly as the server prints them; fractional seconds have the column's
 * declared number of digits; TIMESTAMP is rendered in UTC.
 */
final class RowsDecoder {
    static final int TINY = 1, UTINY = 2, SHORT = 3, USHORT = 4, INT24 = 5, UINT24 = 6, LONG = 7, ULONG = 8,
            LONGLONG = 9, ULONGLONG = 10, YEAR = 11, FLOAT = 12, DOUBLE = 13, DECIMAL = 14, BIT = 15, DATE = 16,
            TIME_OLD = 17, TIME2 = 18, DATETIME_OLD = 19, DATETIME2 = 20, TIMESTAMP_OLD = 21, TIMESTAMP2 = 22,
            CHAR_TEXT = 23, CHAR_BINARY = 24, VARCHAR_TEXT = 25, VARBINARY = 26, BLOB_TEXT = 27, BLOB_BINARY = 28,
            ENUM = 29, SET = 30, JSON_MYSQL = 31;

    private static final BigInteger TWO_64 = BigInteger.ONE.shiftLeft(64);
    private static final int[] DIG2BYTES = {0, 1, 1, 2, 2, 3, 3, 4, 4, 4};
    private static final long[] POW10 = new long[19];
    private static final BigInteger BILLION = BigInteger.valueOf(1_000_000_000L);
    private static final int[] FRAC_DIV = {1_000_000, 100_000, 10_000, 1000, 100, 10, 1};

    static {
        POW10[0] = 1;
        for (int i = 1; i < POW10.length; i++) {
            POW10[i] = POW10[i - 1] * 10;
        }
    }

    private byte[] b;
    private int pos;
    private int end;
    private final byte[] scratch = new byte[40];
    private final byte[] text = new byte[40];

    /** Points the decoder at an event body. */
    void reset(byte[] body, int start, int end) {
        this.b = body;
        this.pos = start;
        this.end = end;
    }

    int pos() { return pos; }

    boolean hasMore() { return pos < end; }

    int u8() {
        return b[pos++] & 0xFF;
    }

    int le16() {
        int v = (b[pos] & 0xFF) | (b[pos + 1] & 0xFF) << 8;
        pos += 2;
        return v;
    }

    long le48() {
        long v = 0;
        for (int i = 0; i < 6; i++) {
            v |= (b[pos + i] & 0xFFL) << (8 * i);
        }
        pos += 6;
        return v;
    }

    long packed() {
        int f = u8();
        if (f < 251) {
            return f;
        }
        int n = f == 252 ? 2 : f == 253 ? 3 : f == 254 ? 8 : -1;
        if (n < 0) {
            throw new CaptureException("bad length-encoded integer in a rows event");
        }
        long v = 0;
        for (int i = 0; i < n; i++) {
            v |= (b[pos + i] & 0xFFL) << (8 * i);
        }
        pos += n;
        return v;
    }

    void skip(int n) {
        pos += n;
    }

    /** Whether the bitmap of {@code n} bits at the current position has every bit set; advances past it. */
    boolean allSet(int n) {
        int bytes = (n + 7) >> 3;
        for (int i = 0; i < bytes; i++) {
            int expect = i < bytes - 1 || (n & 7) == 0 ? 0xFF : (1 << (n & 7)) - 1;
            if ((b[pos + i] & expect) != expect) {
                pos += bytes;
                return false;
            }
        }
        pos += bytes;
        return true;
    }

    /** Reads one full row image (null bitmap then values) of a table whose columns are all present. */
    Object[] row(TableMapping t) {
        int n = t.columnCount;
        if (pos + ((n + 7) >> 3) > end) {
            throw new CaptureException("truncated row image of " + t.schema + "." + t.table);
        }
        int nulls = pos;
        pos += (n + 7) >> 3;
        Object[] out = new Object[n];
        int[] kind = t.kind;
        for (int i = 0; i < n; i++) {
            if ((b[nulls + (i >> 3)] & (1 << (i & 7))) == 0) {
                out[i] = value(kind[i], t, i);
            }
        }
        if (pos > end) {
            throw new CaptureException("row image of " + t.schema + "." + t.table + " overruns its event");
        }
        return out;
    }

    private Object value(int kind, TableMapping t, int i) {
        byte[] b = this.b;
        int p = pos;
        switch (kind) {
            case TINY:
                pos = p + 1;
                return (long) b[p];
            case UTINY:
                pos = p + 1;
                return (long) (b[p] & 0xFF);
            case SHORT:
                pos = p + 2;
                return (long) (short) ((b[p] & 0xFF) | (b[p + 1] & 0xFF) << 8);
            case USHORT:
                pos = p + 2;
                return (long) ((b[p] & 0xFF) | (b[p + 1] & 0xFF) << 8);
            case INT24: {
                pos = p + 3;
                int v = (b[p] & 0xFF) | (b[p + 1] & 0xFF) << 8 | (b[p + 2] & 0xFF) << 16;
                return (long) ((v << 8) >> 8);
            }
            case UINT24:
                pos = p + 3;
                return (long) ((b[p] & 0xFF) | (b[p + 1] & 0xFF) << 8 | (b[p + 2] & 0xFF) << 16);
            case LONG:
                pos = p + 4;
                return (long) le32(b, p);
            case ULONG:
                pos = p + 4;
                return le32(b, p) & 0xFFFFFFFFL;
            case LONGLONG:
                pos = p + 8;
                return le64(b, p);
            case ULONGLONG: {
                pos = p + 8;
                long v = le64(b, p);
                return v >= 0 ? BigInteger.valueOf(v) : BigInteger.valueOf(v).add(TWO_64);
            }
            case YEAR: {
                pos = p + 1;
                int v = b[p] & 0xFF;
                return v == 0 ? 0L : 1900L + v;
            }
            case FLOAT:
                pos = p + 4;
                return Float.intBitsToFloat(le32(b, p));
            case DOUBLE:
                pos = p + 8;
                return Double.longBitsToDouble(le64(b, p));
            case DECIMAL:
                return decimal(t.p1[i] & 0xFF, t.p1[i] >> 8);
            case BIT: {
                int n = t.p1[i];
                long v = 0;
                for (int k = 0; k < n; k++) {
                    v = v << 8 | (b[p + k] & 0xFF);
                }
                pos = p + n;
                return v;
            }
            case DATE: {
                pos = p + 3;
                int v = (b[p] & 0xFF) | (b[p + 1] & 0xFF) << 8 | (b[p + 2] & 0xFF) << 16;
                return date(v >> 9, (v >> 5) & 15, v & 31);
            }
            case TIME_OLD: {
                pos = p + 3;
                int v = (b[p] & 0xFF) | (b[p + 1] & 0xFF) << 8 | (b[p + 2] & 0xFF) << 16;
                v = (v << 8) >> 8;
                boolean neg = v < 0;
                v = Math.abs(v);
                return time(neg, v / 10000, v / 100 % 100, v % 100, 0, 0);
            }
            case TIME2:
                return time2(t.p1[i]);
            case DATETIME_OLD: {
                pos = p + 8;
                long v = le64(b, p);
                int sec = (int) (v % 100), min = (int) (v / 100 % 100), hour = (int) (v / 10000 % 100);
                long d = v / 1_000_000;
                return datetime((int) (d / 10000), (int) (d / 100 % 100), (int) (d % 100), hour, min, sec, 0, 0);
            }
            case DATETIME2:
                return datetime2(t.p1[i]);
            case TIMESTAMP_OLD: {
                pos = p + 4;
                return timestamp(le32(b, p) & 0xFFFFFFFFL, 0, 0);
            }
            case TIMESTAMP2: {
                int fsp = t.p1[i];
                long secs = (b[p] & 0xFFL) << 24 | (b[p + 1] & 0xFF) << 16 | (b[p + 2] & 0xFF) << 8 | (b[p + 3] & 0xFF);
                pos = p + 4;
                int micros = fraction(fsp);
                return timestamp(secs, micros, fsp);
            }
            case CHAR_TEXT:
            case VARCHAR_TEXT: { // both carry a 1- or 2-byte length by declared size
                int len = t.p1[i] > 255 ? le16() : u8();
                String s = t.text[i].decode(b, pos, len);
                pos += len;
                return s;
            }
            case CHAR_BINARY: {
                // BINARY(n) is logged without its trailing 0x00 padding: restore it to the declared length
                int len = t.p1[i] > 255 ? le16() : u8();
                byte[] v = Arrays.copyOfRange(b, pos, pos + Math.max(len, t.p1[i]));
                if (len < t.p1[i]) {
                    Arrays.fill(v, len, v.length, (byte) 0);
                }
                pos += len;
                return v;
            }
            case VARBINARY: {
                int len = t.p1[i] > 255 ? le16() : u8();
                byte[] v = Arrays.copyOfRange(b, pos, pos + len);
                pos += len;
                return v;
            }
            case BLOB_TEXT: {
                int len = blobLength(t.p1[i]);
                String s = t.text[i].decode(b, pos, len);
                pos += len;
                return s;
            }
            case BLOB_BINARY: {
                int len = blobLength(t.p1[i]);
                byte[] v = Arrays.copyOfRange(b, pos, pos + len);
                pos += len;
                return v;
            }
            case ENUM: {
                int ix = t.p1[i] == 1 ? u8() : le16();
                String[] l = t.labels[i];
                if (ix == 0) {
                    return ""; // the "invalid value" index
                }
                if (ix > l.length) {
                    throw new CaptureException("ENUM index " + ix + " out of range in " + t.def.qualifiedName()
                            + "." + t.def.columns().get(i).name());
                }
                return l[ix - 1];
            }
            case SET: {
                int n = t.p1[i];
                long bits = 0;
                for (int k = 0; k < n; k++) {
                    bits |= (b[p + k] & 0xFFL) << (8 * k);
                }
                pos = p + n;
                String[] l = t.labels[i];
                if (bits == 0) {
                    return "";
                }
                StringBuilder sb = new StringBuilder();
                for (int k = 0; k < l.length && k < 64; k++) {
                    if ((bits & (1L << k)) != 0) {
                        if (sb.length() > 0) {
                            sb.append(',');
                        }
                        sb.append(l[k]);
                    }
                }
                return sb.toString();
            }
            case JSON_MYSQL: {
                int len = blobLength(t.p1[i]);
                byte[] v = Arrays.copyOfRange(b, pos, pos + len);
                pos += len;
                try {
                    return len == 0 ? "null" : JsonBinary.parseAsString(v);
                } catch (IOException e) {
                    throw new CaptureException("cannot decode a JSON value of " + t.def.qualifiedName(), e);
                }
            }
            default:
                throw new IllegalStateException("unknown decoder kind " + kind);
        }
    }

    private int blobLength(int bytes) {
        int v = 0;
        for (int k = 0; k < bytes; k++) {
            v |= (b[pos + k] & 0xFF) << (8 * k);
        }
        pos += bytes;
        if (v < 0) {
            throw new CaptureException("value longer than 2 GiB in a rows event");
        }
        return v;
    }

    private static int le32(byte[] b, int p) {
        return (b[p] & 0xFF) | (b[p + 1] & 0xFF) << 8 | (b[p + 2] & 0xFF) << 16 | (b[p + 3] & 0xFF) << 24;
    }

    private static long le64(byte[] b, int p) {
        return (le32(b, p) & 0xFFFFFFFFL) | ((long) le32(b, p + 4)) << 32;
    }

    private long be(int p, int n) {
        long v = 0;
        for (int k = 0; k < n; k++) {
            v = v << 8 | (b[p + k] & 0xFF);
        }
        return v;
    }

    /** Fractional seconds of TIME2/DATETIME2/TIMESTAMP2 (big-endian, (fsp+1)/2 bytes), as microseconds. */
    private int fraction(int fsp) {
        int p = pos;
        switch (fsp) {
            case 1, 2 -> { pos = p + 1; return (b[p] & 0xFF) * 10000; }
            case 3, 4 -> { pos = p + 2; return (int) be(p, 2) * 100; }
            case 5, 6 -> { pos = p + 3; return (int) be(p, 3); }
            default -> { return 0; }
        }
    }

    /** MySQL 5.6 / MariaDB 10.1+ TIME(fsp): see my_time_packed_from_binary in the server sources. */
    private String time2(int fsp) {
        int p = pos;
        long packed;
        switch (fsp) {
            case 1, 2 -> {
                long intpart = be(p, 3) - 0x800000L;
                int frac = b[p + 3] & 0xFF;
                if (intpart < 0 && frac != 0) {
                    intpart++;
                    frac -= 0x100;
                }
                packed = (intpart << 24) + frac * 10000L;
                pos = p + 4;
            }
            case 3, 4 -> {
                long intpart = be(p, 3) - 0x800000L;
                int frac = (int) be(p + 3, 2);
                if (intpart < 0 && frac != 0) {
                    intpart++;
                    frac -= 0x10000;
                }
                packed = (intpart << 24) + frac * 100L;
                pos = p + 5;
            }
            case 5, 6 -> {
                packed = be(p, 6) - 0x800000000000L;
                pos = p + 6;
            }
            default -> {
                packed = (be(p, 3) - 0x800000L) << 24;
                pos = p + 3;
            }
        }
        boolean neg = packed < 0;
        if (neg) {
            packed = -packed;
        }
        long hms = packed >> 24;
        int micros = (int) (packed % (1L << 24));
        return time(neg, (int) ((hms >> 12) % (1 << 10)), (int) ((hms >> 6) % (1 << 6)), (int) (hms % (1 << 6)),
                micros, fsp);
    }

    private String datetime2(int fsp) {
        int p = pos;
        long intpart = be(p, 5) - 0x8000000000L;
        pos = p + 5;
        int micros = fraction(fsp);
        long ymd = intpart >> 17;
        long ym = ymd >> 5;
        long hms = intpart % (1 << 17);
        return datetime((int) (ym / 13), (int) (ym % 13), (int) (ymd % (1 << 5)), (int) (hms >> 12),
                (int) ((hms >> 6) % (1 << 6)), (int) (hms % (1 << 6)), micros, fsp);
    }

    private String timestamp(long secs, int micros, int fsp) {
        if (secs == 0 && micros == 0) {
            return datetime(0, 0, 0, 0, 0, 0, 0, fsp);
        }
        int sod = (int) Math.floorMod(secs, 86400L);
        int[] ymd = io.paraverse.translator.MariaDbText.civilFromDays(Math.floorDiv(secs, 86400L)); // UTC
        return datetime(ymd[0], ymd[1], ymd[2], sod / 3600, sod / 60 % 60, sod % 60, micros, fsp);
    }

    private String date(int y, int m, int d) {
        byte[] o = text;
        int n = put4(o, 0, y);
        o[n++] = '-';
        n = put2(o, n, m);
        o[n++] = '-';
        n = put2(o, n, d);
        return new String(o, 0, n, StandardCharsets.ISO_8859_1);
    }

    private String datetime(int y, int mo, int d, int h, int mi, int s, int micros, int fsp) {
        byte[] o = text;
        int n = put4(o, 0, y);
        o[n++] = '-';
        n = put2(o, n, mo);
        o[n++] = '-';
        n = put2(o, n, d);
        o[n++] = ' ';
        n = put2(o, n, h);
        o[n++] = ':';
        n = put2(o, n, mi);
        o[n++] = ':';
        n = put2(o, n, s);
        n = putFraction(o, n, micros, fsp);
        return new String(o, 0, n, StandardCharsets.ISO_8859_1);
    }

    private String time(boolean neg, int h, int mi, int s, int micros, int fsp) {
        byte[] o = text;
        int n = 0;
        if (neg) {
            o[n++] = '-';
        }
        if (h >= 100) {
            if (h >= 1000) {
                o[n++] = (byte) ('0' + h / 1000 % 10);
            }
            o[n++] = (byte) ('0' + h / 100 % 10);
        }
        n = put2(o, n, h % 100);
        o[n++] = ':';
        n = put2(o, n, mi);
        o[n++] = ':';
        n = put2(o, n, s);
        n = putFraction(o, n, micros, fsp);
        return new String(o, 0, n, StandardCharsets.ISO_8859_1);
    }

    private static int putFraction(byte[] o, int n, int micros, int fsp) {
        if (fsp <= 0) {
            return n;
        }
        o[n++] = '.';
        int v = micros;
        for (int k = 0; k < fsp; k++) {
            int div = FRAC_DIV[k + 1];
            o[n++] = (byte) ('0' + v / div % 10);
        }
        return n;
    }

    private static int put2(byte[] o, int n, int v) {
        o[n] = (byte) ('0' + v / 10 % 10);
        o[n + 1] = (byte) ('0' + v % 10);
        return n + 2;
    }

    private static int put4(byte[] o, int n, int v) {
        o[n] = (byte) ('0' + v / 1000 % 10);
        o[n + 1] = (byte) ('0' + v / 100 % 10);
        o[n + 2] = (byte) ('0' + v / 10 % 10);
        o[n + 3] = (byte) ('0' + v % 10);
        return n + 4;
    }

    /** DECIMAL(precision, scale) in MySQL's binary format; the result has exactly the column's scale. */
    private BigDecimal decimal(int precision, int scale) {
        int intg = precision - scale;
        int intg0 = intg / 9, intg0x = intg - intg0 * 9;
        int frac0 = scale / 9, frac0x = scale - frac0 * 9;
        int size = intg0 * 4 + DIG2BYTES[intg0x] + frac0 * 4 + DIG2BYTES[frac0x];
        byte[] d = scratch;
        System.arraycopy(b, pos, d, 0, size);
        pos += size;
        boolean positive = (d[0] & 0x80) != 0;
        d[0] ^= (byte) 0x80;
        if (!positive) {
            for (int k = 0; k < size; k++) {
                d[k] = (byte) ~d[k];
            }
        }
        int p = 0;
        if (precision <= 18) {
            long acc = 0;
            if (intg0x > 0) {
                int n = DIG2BYTES[intg0x];
                acc = beScratch(d, p, n);
                p += n;
            }
            for (int k = 0; k < intg0; k++, p += 4) {
                acc = acc * 1_000_000_000L + beScratch(d, p, 4);
            }
            for (int k = 0; k < frac0; k++, p += 4) {
                acc = acc * 1_000_000_000L + beScratch(d, p, 4);
            }
            if (frac0x > 0) {
                int n = DIG2BYTES[frac0x];
                acc = acc * POW10[frac0x] + beScratch(d, p, n);
            }
            return BigDecimal.valueOf(positive ? acc : -acc, scale);
        }
        BigInteger acc = BigInteger.ZERO;
        if (intg0x > 0) {
            int n = DIG2BYTES[intg0x];
            acc = BigInteger.valueOf(beScratch(d, p, n));
            p += n;
        }
        for (int k = 0; k < intg0; k++, p += 4) {
            acc = acc.multiply(BILLION).add(BigInteger.valueOf(beScratch(d, p, 4)));
        }
        for (int k = 0; k < frac0; k++, p += 4) {
            acc = acc.multiply(BILLION).add(BigInteger.valueOf(beScratch(d, p, 4)));
        }
        if (frac0x > 0) {
            int n = DIG2BYTES[frac0x];
            acc = acc.multiply(BigInteger.valueOf(POW10[frac0x])).add(BigInteger.valueOf(beScratch(d, p, n)));
        }
        return new BigDecimal(positive ? acc : acc.negate(), scale);
    }

    private static long beScratch(byte[] d, int p, int n) {
        long v = 0;
        for (int k = 0; k < n; k++) {
            v = v << 8 | (d[p + k] & 0xFF);
        }
        return v;
    }
}
