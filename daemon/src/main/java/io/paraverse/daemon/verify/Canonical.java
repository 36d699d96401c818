package io.paraverse.daemon.verify;

import io.paraverse.translator.Column;
import io.paraverse.translator.SqlType;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.util.HexFormat;

/**
 * One text form per value and target column type, so that what a translator produced (any of the change model's
 * Java types, which the applier binds and the server converts) compares equal to what the target stores: integers
 * as digits, DECIMAL without trailing zeros, FLOAT at float precision, binary as hex, text as it is. SQL NULL is
 * Java null.
 */
final class Canonical {
    static final int SHOWN_CHARS = 80;

    private Canonical() { }

    static String of(Object v, Column col) {
        if (v == null) {
            return null;
        }
        SqlType t = col.type();
        try {
            if (t.isInteger() || t == SqlType.BIT) {
                return integer(v).toString();
            }
            switch (t) {
                case DECIMAL:
                    BigDecimal d = decimal(v).stripTrailingZeros();
                    return d.signum() == 0 ? "0" : d.toPlainString();
                case FLOAT:
                    return Float.toString(v instanceof Number n ? n.floatValue() : Float.parseFloat(v.toString().trim()));
                case DOUBLE:
                    return Double.toString(v instanceof Number n ? n.doubleValue() : Double.parseDouble(v.toString().trim()));
                case BINARY: case VARBINARY: case BLOB: case GEOMETRY:
                    return "0x" + HexFormat.of().formatHex(v instanceof byte[] b ? b : text(v).getBytes(StandardCharsets.UTF_8));
                default:
                    return text(v);
            }
        } catch (NumberFormatException | ArithmeticException e) {
            return text(v); // not a number: compared (and shown) as written
        }
    }

    private static BigInteger integer(Object v) {
        if (v instanceof Long l) {
            return BigInteger.valueOf(l);
        } else if (v instanceof BigInteger b) {
            return b;
        } else if (v instanceof byte[] b) {
            return new BigInteger(1, b);
        }
        return decimal(v).toBigIntegerExact();
    }

    private static BigDecimal decimal(Object v) {
        if (v instanceof BigDecimal d) {
            return d;
        } else if (v instanceof Double || v instanceof Float) {
            return new BigDecimal(v.toString());
        } else if (v instanceof Number n) {
            return new BigDecimal(n.toString());
        }
        return new BigDecimal(text(v).trim());
    }

    private static String text(Object v) {
        if (v instanceof byte[] b) {
            return new String(b, StandardCharsets.UTF_8);
        } else if (v instanceof BigDecimal d) {
            return d.toPlainString();
        }
        return v.toString();
    }

    /** For reports: NULL, or the canonical text cut to {@value #SHOWN_CHARS} characters with its full length. */
    static String shown(String canonical) {
        if (canonical == null) {
            return "NULL";
        }
        if (canonical.length() <= SHOWN_CHARS) {
            return canonical;
        }
        return canonical.substring(0, SHOWN_CHARS) + "...(" + canonical.length() + " chars)";
    }
}
