package io.paraverse.translator.mapping;

import io.paraverse.translator.MariaDbText;

import io.paraverse.translator.SqlType;
import io.paraverse.translator.mapping.DbSchema.DbColumn;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * The value conversions of a mapping: chosen once per column at validation time from the source and target column
 * types (and an explicit {@code convert:} / {@code charset:}), then run per row without lookups.
 */
final class Conversions {
    private Conversions() { }

    /** Explicit conversions a column may name with {@code convert:}. */
    static final List<String> NAMED = List.of("compact_datetime", "unix_seconds", "unix_millis");

    /** A value could not be converted: the reason, without table or key (the translator adds those). */
    static final class ConversionFailure extends Exception {
        ConversionFailure(String message) {
            super(message, null, false, false);
        }
    }

    /** A conversion that cannot work for these column types, found at validation time. */
    static final class Impossible extends Exception {
        Impossible(String message) {
            super(message, null, false, false);
        }
    }

    /** One column's conversion: source value (never null) → target value. */
    @FunctionalInterface
    interface Converter {
        Object convert(Object v) throws ConversionFailure;

        default Converter then(Converter next) {
            Converter first = this;
            return v -> next.convert(first.convert(v));
        }
    }

    static final Converter IDENTITY = v -> v;

    /** Families of types that share a Java value type and conversion rules. */
    enum Kind { INT, DECIMAL, FLOAT, DOUBLE, BIT, DATE, TIME, DATETIME, STRING, BINARY, GEOMETRY }

    static Kind kind(SqlType t) {
        switch (t) {
            case TINYINT: case SMALLINT: case MEDIUMINT: case INT: case BIGINT: case YEAR: return Kind.INT;
            case DECIMAL: return Kind.DECIMAL;
            case FLOAT: return Kind.FLOAT;
            case DOUBLE: return Kind.DOUBLE;
            case BIT: return Kind.BIT;
            case DATE: return Kind.DATE;
            case TIME: return Kind.TIME;
            case DATETIME: case TIMESTAMP: return Kind.DATETIME;
            case CHAR: case VARCHAR: case TEXT: case ENUM: case SET: case JSON: return Kind.STRING;
            case BINARY: case VARBINARY: case BLOB: return Kind.BINARY;
            default: return Kind.GEOMETRY;
        }
    }

    /**
     * The converter from a source column to a target column.
     *
     * @param convert the explicit conversion name, or null
     * @param charset the charset of the bytes on the text/binary boundary, or null
     */
    static Converter plan(DbColumn src, DbColumn tgt, String convert, String charset) throws Impossible {
        Kind s = kind(src.type());
        Kind t = kind(tgt.type());
        if (convert != null) {
            if (charset != null) {
                throw new Impossible("charset: cannot be combined with convert: " + convert);
            }
            return named(convert, src, s, tgt, t);
        }
        if (charset != null) {
            return withCharset(src, s, tgt, t, charset);
        }
        if (s == Kind.BINARY && t == Kind.STRING) {
            throw new Impossible("binary to text needs the charset of the bytes: add charset: (e.g. charset: utf8mb4)");
        }
        Converter c = implicit(src, s, tgt, t);
        return s == Kind.STRING && t == Kind.STRING ? c.then(encodable(tgt)) : c;
    }

    /** The converter for a literal from the mapping file (a constant, default or filter value) to a column's type. */
    static Converter literal(DbColumn tgt) throws Impossible {
        DbColumn text = new DbColumn("literal", SqlType.VARCHAR, false, "utf8mb4", true, true, false, false, "text");
        Kind t = kind(tgt.type());
        if (t == Kind.BINARY || t == Kind.GEOMETRY) {
            if (t == Kind.GEOMETRY) {
                throw new Impossible("a literal cannot be a geometry value");
            }
            return v -> ((String) v).getBytes(StandardCharsets.UTF_8);
        }
        return plan(text, tgt, null, null);
    }

    private static Converter named(String name, DbColumn src, Kind s, DbColumn tgt, Kind t) throws Impossible {
        boolean toDatetime = t == Kind.DATETIME || t == Kind.STRING;
        switch (name) {
            case "compact_datetime":
                if (s != Kind.STRING && s != Kind.BINARY) {
                    throw new Impossible("compact_datetime reads 'YYYYMMDDHHMMSS' text; " + src.name() + " is " + src.describe());
                }
                if (!toDatetime) {
                    throw new Impossible("compact_datetime produces DATETIME text; " + tgt.name() + " is " + tgt.describe());
                }
                return Conversions::compactDatetime;
            case "unix_seconds":
            case "unix_millis":
                if (s != Kind.INT) {
                    throw new Impossible(name + " reads an integer; " + src.name() + " is " + src.describe());
                }
                if (!toDatetime) {
                    throw new Impossible(name + " produces DATETIME text; " + tgt.name() + " is " + tgt.describe());
                }
                boolean millis = name.equals("unix_millis");
                return v -> unixTime(v, millis);
            default:
                throw new Impossible("unknown conversion '" + name + "' (known: " + String.join(", ", NAMED) + ")");
        }
    }

    private static Converter withCharset(DbColumn src, Kind s, DbColumn tgt, Kind t, String charset) throws Impossible {
        if (!Charsets.supported(charset)) {
            throw new Impossible("unknown character set '" + charset + "'");
        }
        if (s == Kind.BINARY && t == Kind.STRING) {
            Charsets.Codec codec = Charsets.codec(charset);
            Converter c = v -> codec.decode(bytes(v));
            return c.then(encodable(tgt));
        }
        if (s == Kind.STRING && t == Kind.BINARY) {
            Charsets.Codec codec = Charsets.codec(charset);
            return v -> codec.encode(string(v));
        }
        if (s == Kind.STRING && t == Kind.STRING) {
            if (src.charset() == null || !Charsets.supported(src.charset())) {
                throw new Impossible("the source column's character set " + src.charset() + " is unknown here");
            }
            if (src.charset().equalsIgnoreCase(charset)) {
                return encodable(tgt);
            }
            // the column declares src.charset() but its bytes are really `charset` text: re-read them
            Charsets.Codec stored = Charsets.codec(src.charset());
            Charsets.Codec real = Charsets.codec(charset);
            Converter c = v -> real.decode(stored.encode(string(v)));
            return c.then(encodable(tgt));
        }
        throw new Impossible("charset: applies to binary→text, text→binary and text→text columns, not "
                + src.describe() + " → " + tgt.describe());
    }

    /** Fails on text the target column's charset cannot hold; identity for Unicode targets. */
    private static Converter encodable(DbColumn tgt) {
        if (tgt.charset() == null || Charsets.isUnicode(tgt.charset()) || !Charsets.supported(tgt.charset())) {
            return IDENTITY;
        }
        Charsets.Codec codec = Charsets.codec(tgt.charset());
        return v -> {
            codec.checkEncodable(string(v));
            return v;
        };
    }

    private static Converter implicit(DbColumn src, Kind s, DbColumn tgt, Kind t) throws Impossible {
        switch (t) {
            case INT:
            case BIT: {
                Converter range = intRange(tgt);
                switch (s) {
                    case INT: case BIT: return range;
                    case DECIMAL: return ((Converter) v -> integral((BigDecimal) v)).then(range);
                    case FLOAT: case DOUBLE: return ((Converter) v -> integral(((Number) v).doubleValue())).then(range);
                    case STRING: return ((Converter) Conversions::parseInteger).then(range);
                    default: break;
                }
                break;
            }
            case DECIMAL:
                switch (s) {
                    case INT: case BIT: return v -> v instanceof Long l ? BigDecimal.valueOf(l) : new BigDecimal((BigInteger) v);
                    case DECIMAL: return IDENTITY;
                    case FLOAT: return v -> new BigDecimal(Float.toString((Float) v));
                    case DOUBLE: return v -> BigDecimal.valueOf((Double) v);
                    case STRING: return Conversions::parseDecimal;
                    default: break;
                }
                break;
            case FLOAT:
            case DOUBLE: {
                boolean f = t == Kind.FLOAT;
                switch (s) {
                    case INT: case BIT: case DECIMAL: case FLOAT: case DOUBLE:
                        return f ? v -> ((Number) v).floatValue() : v -> ((Number) v).doubleValue();
                    case STRING:
                        return f ? v -> parseDecimal(v).floatValue() : v -> parseDecimal(v).doubleValue();
                    default: break;
                }
                break;
            }
            case STRING:
                switch (s) {
                    case STRING: case DATE: case TIME: case DATETIME: return IDENTITY;
                    case INT: case BIT: case DECIMAL: case FLOAT: case DOUBLE: return Conversions::numberToString;
                    default: break;
                }
                break;
            case BINARY:
                switch (s) {
                    case BINARY: case GEOMETRY: return IDENTITY;
                    case STRING: {
                        Charsets.Codec utf8 = Charsets.codec("utf8mb4");
                        return v -> utf8.encode(string(v));
                    }
                    default: break;
                }
                break;
            case GEOMETRY:
                if (s == Kind.GEOMETRY) {
                    return IDENTITY;
                }
                break;
            case DATE:
                if (s == Kind.DATE || s == Kind.STRING) {
                    return IDENTITY;
                }
                break;
            case TIME:
                if (s == Kind.TIME || s == Kind.STRING) {
                    return IDENTITY;
                }
                break;
            case DATETIME:
                if (s == Kind.DATETIME || s == Kind.STRING) {
                    return IDENTITY;
                }
                if (s == Kind.DATE) {
                    return v -> string(v) + " 00:00:00";
                }
                if (s == Kind.INT) {
                    throw new Impossible("an integer is not a date and time; if it holds unix time, add"
                            + " convert: unix_seconds (or unix_millis)");
                }
                break;
            default:
                break;
        }
        throw new Impossible(src.describe() + " cannot be converted to " + tgt.describe());
    }

    // ---- integers ----

    private static final BigInteger ULONG_MAX = BigInteger.ONE.shiftLeft(64).subtract(BigInteger.ONE);
    private static final BigInteger LONG_MIN = BigInteger.valueOf(Long.MIN_VALUE);
    private static final BigInteger LONG_MAX = BigInteger.valueOf(Long.MAX_VALUE);

    /** Range check into a target integer column: Long, or BigInteger for BIGINT UNSIGNED. */
    private static Converter intRange(DbColumn tgt) {
        if (tgt.isBigintUnsigned()) {
            return v -> {
                BigInteger b = v instanceof BigInteger x ? x : BigInteger.valueOf(toLong(v));
                if (b.signum() < 0 || b.compareTo(ULONG_MAX) > 0) {
                    throw new ConversionFailure(b + " is out of range for " + tgt.describe());
                }
                return b;
            };
        }
        long min;
        long max;
        boolean u = tgt.unsigned();
        switch (tgt.type()) {
            case TINYINT: min = u ? 0 : -128; max = u ? 255 : 127; break;
            case SMALLINT: min = u ? 0 : -32768; max = u ? 65535 : 32767; break;
            case MEDIUMINT: min = u ? 0 : -8388608; max = u ? 16777215 : 8388607; break;
            case INT: min = u ? 0 : Integer.MIN_VALUE; max = u ? 4294967295L : Integer.MAX_VALUE; break;
            case BIGINT: min = Long.MIN_VALUE; max = Long.MAX_VALUE; break;
            case YEAR: min = 0; max = 2155; break;
            default: min = 0; max = Long.MAX_VALUE; break; // BIT: the server checks the width
        }
        long lo = min;
        long hi = max;
        return v -> {
            long l;
            if (v instanceof Long x) {
                l = x;
            } else if (v instanceof BigInteger b) {
                if (b.compareTo(LONG_MIN) < 0 || b.compareTo(LONG_MAX) > 0) {
                    throw new ConversionFailure(b + " is out of range for " + tgt.describe());
                }
                l = b.longValue();
            } else {
                l = toLong(v);
            }
            if (l < lo || l > hi) {
                throw new ConversionFailure(l + " is out of range for " + tgt.describe());
            }
            return v instanceof Long ? v : Long.valueOf(l);
        };
    }

    private static long toLong(Object v) throws ConversionFailure {
        if (v instanceof Long l) {
            return l;
        }
        if (v instanceof Number n && !(v instanceof BigInteger) && !(v instanceof BigDecimal)) {
            return n.longValue();
        }
        if (v instanceof BigInteger b) {
            if (b.bitLength() > 63) {
                throw new ConversionFailure(b + " does not fit a signed 64-bit integer");
            }
            return b.longValue();
        }
        throw unexpected(v, "an integer");
    }

    private static Object integral(BigDecimal d) throws ConversionFailure {
        try {
            BigInteger b = d.toBigIntegerExact();
            return b.bitLength() <= 63 ? (Object) b.longValue() : b;
        } catch (ArithmeticException e) {
            throw new ConversionFailure(d.toPlainString() + " has a fractional part");
        }
    }

    private static Object integral(double d) throws ConversionFailure {
        if (d != Math.rint(d) || Double.isInfinite(d)) {
            throw new ConversionFailure(d + " has a fractional part");
        }
        if (d >= -9.223372036854775E18 && d <= 9.223372036854775E18) {
            return (long) d;
        }
        return new BigDecimal(d).toBigInteger();
    }

    /** Parses an integer written in decimal (surrounding spaces allowed); fails on anything else. */
    static Object parseInteger(Object v) throws ConversionFailure {
        String s = string(v);
        int start = 0;
        int end = s.length();
        while (start < end && s.charAt(start) == ' ') {
            start++;
        }
        while (end > start && s.charAt(end - 1) == ' ') {
            end--;
        }
        int i = start;
        if (i < end && (s.charAt(i) == '-' || s.charAt(i) == '+')) {
            i++;
        }
        if (i == end || end - i > 40) {
            throw new ConversionFailure("'" + shorten(s) + "' is not an integer");
        }
        for (int j = i; j < end; j++) {
            char c = s.charAt(j);
            if (c < '0' || c > '9') {
                throw new ConversionFailure("'" + shorten(s) + "' is not an integer");
            }
        }
        String digits = s.charAt(start) == '+' ? s.substring(start + 1, end) : s.substring(start, end);
        if (end - i <= 18) {
            return Long.parseLong(digits);
        }
        BigInteger b = new BigInteger(digits);
        return b.bitLength() <= 63 ? (Object) b.longValue() : b;
    }

    static BigDecimal parseDecimal(Object v) throws ConversionFailure {
        String s = string(v).trim();
        if (s.isEmpty() || s.length() > 100) {
            throw new ConversionFailure("'" + shorten(s) + "' is not a number");
        }
        try {
            return new BigDecimal(s);
        } catch (NumberFormatException e) {
            throw new ConversionFailure("'" + shorten(s) + "' is not a number");
        }
    }

    static Object numberToString(Object v) throws ConversionFailure {
        if (v instanceof Long || v instanceof BigInteger) {
            return v.toString();
        }
        if (v instanceof BigDecimal d) {
            return d.toPlainString();
        }
        if (v instanceof Double d) {
            return plain(BigDecimal.valueOf(d));
        }
        if (v instanceof Float f) {
            return plain(new BigDecimal(Float.toString(f)));
        }
        throw unexpected(v, "a number");
    }

    private static String plain(BigDecimal d) {
        BigDecimal s = d.stripTrailingZeros();
        return (s.scale() < 0 ? s.setScale(0) : s).toPlainString();
    }

    // ---- temporals ----

    /** 'YYYYMMDDHHMMSS' (text or ASCII bytes, as MediaWiki stores timestamps) → 'YYYY-MM-DD HH:MM:SS'. */
    static Object compactDatetime(Object v) throws ConversionFailure {
        char[] out = new char[19];
        int n = v instanceof byte[] b ? b.length : string(v).length();
        if (n != 14) {
            throw new ConversionFailure(render(v) + " is not a 'YYYYMMDDHHMMSS' timestamp");
        }
        int o = 0;
        for (int i = 0; i < 14; i++) {
            char c = v instanceof byte[] b ? (char) (b[i] & 0xFF) : ((String) v).charAt(i);
            if (c < '0' || c > '9') {
                throw new ConversionFailure(render(v) + " is not a 'YYYYMMDDHHMMSS' timestamp");
            }
            if (i == 4 || i == 6) {
                out[o++] = '-';
            } else if (i == 8) {
                out[o++] = ' ';
            } else if (i == 10 || i == 12) {
                out[o++] = ':';
            }
            out[o++] = c;
        }
        return new String(out);
    }

    /** Unix time (seconds or milliseconds since 1970 UTC) → 'YYYY-MM-DD HH:MM:SS[.mmm]' in UTC. */
    static Object unixTime(Object v, boolean millis) throws ConversionFailure {
        long t = toLong(v);
        long secs = millis ? Math.floorDiv(t, 1000L) : t;
        if (secs < -30610224000L || secs > 253402300799L) { // 1000-01-01 .. 9999-12-31 23:59:59
            throw new ConversionFailure(t + " is outside the DATETIME range as unix " + (millis ? "milliseconds" : "seconds"));
        }
        int sod = (int) Math.floorMod(secs, 86400L);
        int[] ymd = MariaDbText.civilFromDays(Math.floorDiv(secs, 86400L));
        long y = ymd[0];
        int m = ymd[1];
        int d = ymd[2];
        char[] c = new char[millis ? 23 : 19];
        digits(c, 0, (int) y, 4);
        c[4] = '-';
        digits(c, 5, m, 2);
        c[7] = '-';
        digits(c, 8, d, 2);
        c[10] = ' ';
        digits(c, 11, sod / 3600, 2);
        c[13] = ':';
        digits(c, 14, sod / 60 % 60, 2);
        c[16] = ':';
        digits(c, 17, sod % 60, 2);
        if (millis) {
            c[19] = '.';
            digits(c, 20, (int) Math.floorMod(t, 1000L), 3);
        }
        return new String(c);
    }

    private static void digits(char[] c, int at, int value, int width) {
        for (int i = at + width - 1; i >= at; i--) {
            c[i] = (char) ('0' + value % 10);
            value /= 10;
        }
    }

    // ---- helpers ----

    static String string(Object v) throws ConversionFailure {
        if (v instanceof String s) {
            return s;
        }
        throw unexpected(v, "text");
    }

    static byte[] bytes(Object v) throws ConversionFailure {
        if (v instanceof byte[] b) {
            return b;
        }
        throw unexpected(v, "bytes");
    }

    private static ConversionFailure unexpected(Object v, String expected) {
        return new ConversionFailure("expected " + expected + " but the change holds a " + v.getClass().getSimpleName()
                + " (" + render(v) + "); has the source column's type changed since validation?");
    }

    private static String shorten(String s) {
        return s.length() > 64 ? s.substring(0, 64) + "...(" + s.length() + " chars)" : s;
    }

    /** A short form of a value for messages. */
    static String render(Object v) {
        if (v == null) {
            return "NULL";
        } else if (v instanceof String s) {
            return "'" + shorten(s) + "'";
        } else if (v instanceof byte[] b) {
            StringBuilder sb = new StringBuilder("0x");
            for (int i = 0; i < Math.min(b.length, 32); i++) {
                sb.append(String.format("%02x", b[i]));
            }
            return sb + (b.length > 32 ? "...(" + b.length + " bytes)" : "");
        }
        return String.valueOf(v);
    }
}
