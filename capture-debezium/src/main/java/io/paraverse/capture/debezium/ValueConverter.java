package io.paraverse.capture.debezium;

import com.fasterxml.jackson.databind.JsonNode;
import io.paraverse.translator.SqlType;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.math.RoundingMode;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.Base64;
import java.util.HexFormat;

/**
 * Turns one column value of a Debezium change event (as the JSON converter wrote it) into the Java value
 * {@link SqlType} prescribes, the same value {@code BinlogCapture} produces for the same source row.
 *
 * <p>Debezium's logical types: DECIMAL as {@code org.apache.kafka.connect.data.Decimal} (base64 of the unscaled
 * two's-complement bytes, or a JSON number with {@code decimal.format=NUMERIC}) or a string; DATE as days since the
 * epoch; TIME as micro- or milliseconds ({@code io.debezium.time.MicroTime}/{@code Time}); DATETIME as milli- or
 * microseconds since the epoch read as UTC ({@code Timestamp}/{@code MicroTimestamp}); TIMESTAMP as an ISO-8601
 * UTC string ({@code ZonedTimestamp}); BIT(1) as a boolean and BIT(n) as little-endian bytes
 * ({@code io.debezium.data.Bits}); binary columns per {@code binary.handling.mode}.
 */
final class ValueConverter {
    private static final BigInteger TWO_64 = BigInteger.ONE.shiftLeft(64);
    private static final int[] POW10 = {1, 10, 100, 1000, 10_000, 100_000, 1_000_000};

    private final ConnectorSettings settings;

    ValueConverter(ConnectorSettings settings) {
        this.settings = settings;
    }

    /**
     * @param v       the JSON value (null or NullNode for SQL NULL)
     * @param c       the column
     * @param logical the field's logical schema name ("type:<connect type>" when it has none) when the event carries
     *                schemas, else null
     * @param where   "db.table.column" for error messages
     */
    Object convert(JsonNode v, ColumnInfo c, String logical, String where) {
        if (v == null || v.isNull()) {
            return null;
        }
        try {
            return switch (c.column().type()) {
                case TINYINT, SMALLINT, MEDIUMINT, INT, YEAR -> v.asLong();
                case BIGINT -> c.column().unsigned() ? unsignedBigint(v) : (Object) v.longValue();
                case DECIMAL -> decimal(v, c.scale(), logical, where);
                case FLOAT -> v.isTextual() ? Float.valueOf(v.textValue()) : (Object) v.floatValue();
                case DOUBLE -> v.isTextual() ? Double.valueOf(v.textValue()) : (Object) v.doubleValue();
                case BIT -> bits(v, c.length());
                case DATE -> date(v, logical);
                case TIME -> time(v, c.fsp(), logical, where);
                case DATETIME -> datetime(v, c.fsp(), logical, where);
                case TIMESTAMP -> timestamp(v, c.fsp(), where);
                case CHAR, VARCHAR, TEXT, ENUM, SET, JSON -> text(v, where);
                case BINARY -> pad(binary(v, where), c.length());
                case VARBINARY, BLOB -> binary(v, where);
                case GEOMETRY -> geometry(v, where);
            };
        } catch (DebeziumCaptureException e) {
            throw e;
        } catch (RuntimeException e) {
            throw new DebeziumCaptureException("cannot convert the value " + abbreviate(v) + " of " + where + " ("
                    + c.column().type() + ") from Debezium's encoding: " + e.getMessage()
                    + "; check that the connector settings (" + settings + ") match the connector's configuration", e);
        }
    }

    private static Object unsignedBigint(JsonNode v) {
        BigInteger b;
        if (v.isTextual()) { // bigint.unsigned.handling.mode=precise: a Decimal with scale 0, base64
            b = new BigInteger(Base64.getDecoder().decode(v.textValue()));
        } else {
            b = v.bigIntegerValue();
        }
        return b.signum() < 0 ? b.add(TWO_64) : b; // mode long: values above 2^63-1 arrive wrapped
    }

    private BigDecimal decimal(JsonNode v, int scale, String logical, String where) {
        if ("type:double".equals(logical) || "type:float".equals(logical)) {
            throw new DebeziumCaptureException(where + " is a DECIMAL written as a double"
                    + " (decimal.handling.mode=double), which has lost digits; configure the connector with"
                    + " decimal.handling.mode=precise or string");
        }
        BigDecimal d;
        if (v.isNumber()) {
            d = v.decimalValue();
        } else if (v.isTextual() && settings.decimalHandling().equals("string")) {
            d = new BigDecimal(v.textValue());
        } else if (v.isTextual()) {
            d = new BigDecimal(new BigInteger(Base64.getDecoder().decode(v.textValue())), scale);
        } else {
            throw new DebeziumCaptureException(where + ": a DECIMAL value is neither a number nor a string: "
                    + abbreviate(v));
        }
        return d.setScale(scale, RoundingMode.UNNECESSARY);
    }

    private static Long bits(JsonNode v, int width) {
        if (v.isBoolean()) {
            return v.booleanValue() ? 1L : 0L;
        }
        if (v.isNumber()) {
            return v.longValue();
        }
        byte[] b = Base64.getDecoder().decode(v.textValue()); // io.debezium.data.Bits: little-endian
        long r = 0;
        for (int i = Math.min(b.length, 8) - 1; i >= 0; i--) {
            r = r << 8 | (b[i] & 0xFF);
        }
        return width > 0 && width < 64 ? r & ((1L << width) - 1) : r;
    }

    private static String date(JsonNode v, String logical) {
        LocalDate d = LocalDate.ofEpochDay(v.longValue());
        return pad4(d.getYear()) + "-" + pad2(d.getMonthValue()) + "-" + pad2(d.getDayOfMonth());
    }

    private String time(JsonNode v, int fsp, String logical, String where) {
        long micros = switch (unit(logical, fsp, "io.debezium.time.Time", "org.apache.kafka.connect.data.Time")) {
            case 'u' -> v.longValue();
            case 'n' -> Math.floorDiv(v.longValue(), 1000);
            default -> exactMillis(v.longValue(), fsp, where) * 1000;
        };
        boolean neg = micros < 0;
        long a = Math.abs(micros);
        long secs = a / 1_000_000;
        StringBuilder sb = new StringBuilder(neg ? "-" : "");
        sb.append(pad2((int) (secs / 3600))).append(':').append(pad2((int) (secs / 60 % 60))).append(':')
                .append(pad2((int) (secs % 60)));
        return fraction(sb, (int) (a % 1_000_000), fsp);
    }

    private String datetime(JsonNode v, int fsp, String logical, String where) {
        long micros = switch (unit(logical, fsp, "io.debezium.time.Timestamp", "org.apache.kafka.connect.data.Timestamp")) {
            case 'u' -> v.longValue();
            case 'n' -> Math.floorDiv(v.longValue(), 1000);
            default -> exactMillis(v.longValue(), fsp, where) * 1000;
        };
        LocalDateTime t = LocalDateTime.ofEpochSecond(Math.floorDiv(micros, 1_000_000),
                (int) Math.floorMod(micros, 1_000_000) * 1000, ZoneOffset.UTC);
        return render(t, fsp);
    }

    private static String timestamp(JsonNode v, int fsp, String where) {
        Instant i;
        if (v.isTextual()) { // io.debezium.time.ZonedTimestamp, always UTC for MySQL/MariaDB TIMESTAMP
            i = OffsetDateTime.parse(v.textValue()).toInstant();
        } else {
            i = Instant.ofEpochMilli(v.longValue());
        }
        if (i.getEpochSecond() == 0 && i.getNano() == 0) {
            // the zero TIMESTAMP: Debezium writes the epoch, which a TIMESTAMP cannot otherwise hold (its minimum is
            // 1970-01-01 00:00:01 UTC)
            return fraction(new StringBuilder("0000-00-00 00:00:00"), 0, fsp);
        }
        return render(LocalDateTime.ofInstant(i, ZoneOffset.UTC), fsp);
    }

    /** 'u' micros, 'm' millis, 'n' nanos: from the logical name when present, else from time.precision.mode. */
    private char unit(String logical, int fsp, String millisName, String connectName) {
        if (logical != null) {
            if (logical.startsWith("io.debezium.time.Micro")) {
                return 'u';
            }
            if (logical.startsWith("io.debezium.time.Nano")) {
                return 'n';
            }
            if (logical.equals(millisName) || logical.equals(connectName)) {
                return 'm';
            }
        }
        return switch (settings.timePrecision()) {
            case "adaptive_time_microseconds" -> millisName.endsWith(".Time") || fsp > 3 ? 'u' : 'm';
            default -> 'm';
        };
    }

    private static long exactMillis(long millis, int fsp, String where) {
        if (fsp > 3) {
            throw new DebeziumCaptureException(where + " has " + fsp + " fractional-second digits but the event"
                    + " carries milliseconds (time.precision.mode=connect): digits would be lost. Configure the"
                    + " connector with time.precision.mode=adaptive_time_microseconds.");
        }
        return millis;
    }

    private static String render(LocalDateTime t, int fsp) {
        StringBuilder sb = new StringBuilder();
        sb.append(pad4(t.getYear())).append('-').append(pad2(t.getMonthValue())).append('-')
                .append(pad2(t.getDayOfMonth())).append(' ').append(pad2(t.getHour())).append(':')
                .append(pad2(t.getMinute())).append(':').append(pad2(t.getSecond()));
        return fraction(sb, t.getNano() / 1000, fsp);
    }

    private static String fraction(StringBuilder sb, int micros, int fsp) {
        if (fsp > 0) {
            String f = String.valueOf(1_000_000 + micros).substring(1);
            sb.append('.').append(f, 0, fsp);
            if (micros % POW10[6 - fsp] != 0) {
                throw new DebeziumCaptureException("a value with fractional seconds ." + f
                        + " in a column with " + fsp + " digits: the event does not match the column definition");
            }
        }
        return sb.toString();
    }

    private static String text(JsonNode v, String where) {
        if (!v.isTextual()) {
            throw new DebeziumCaptureException(where + ": expected a string, got " + abbreviate(v));
        }
        return v.textValue();
    }

    private byte[] binary(JsonNode v, String where) {
        if (!v.isTextual()) {
            throw new DebeziumCaptureException(where + ": expected encoded bytes (a string), got " + abbreviate(v));
        }
        String s = v.textValue();
        return switch (settings.binaryHandling()) {
            case "hex" -> HexFormat.of().parseHex(s);
            case "base64-url-safe" -> Base64.getUrlDecoder().decode(s);
            default -> Base64.getDecoder().decode(s); // bytes (the JSON converter writes bytes as base64) and base64
        };
    }

    private static byte[] pad(byte[] b, int length) {
        // BINARY(n) holds exactly n bytes (0x00-padded); restore padding an event may have stripped
        return b.length >= length ? b : java.util.Arrays.copyOf(b, length);
    }

    private static byte[] geometry(JsonNode v, String where) {
        // io.debezium.data.geometry.Geometry {wkb, srid}; the binlog (and BinlogCapture) carries SRID (4 bytes LE) + WKB
        if (!v.isObject() || !v.hasNonNull("wkb")) {
            throw new DebeziumCaptureException(where + ": expected a Geometry {wkb, srid}, got " + abbreviate(v));
        }
        byte[] wkb = Base64.getDecoder().decode(v.get("wkb").textValue());
        int srid = v.path("srid").asInt(0);
        byte[] r = new byte[wkb.length + 4];
        r[0] = (byte) srid;
        r[1] = (byte) (srid >> 8);
        r[2] = (byte) (srid >> 16);
        r[3] = (byte) (srid >> 24);
        System.arraycopy(wkb, 0, r, 4, wkb.length);
        return r;
    }

    private static String pad2(int v) {
        return v < 10 ? "0" + v : String.valueOf(v);
    }

    private static String pad4(int v) {
        String s = String.valueOf(v);
        return "0000".substring(Math.min(4, s.length())) + s;
    }

    private static String abbreviate(JsonNode v) {
        String s = v.toString();
        return s.length() > 80 ? s.substring(0, 80) + "…" : s;
    }
}
