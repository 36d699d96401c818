package io.paraverse.applier;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Types;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;

/**
 * Binding, size estimates, key identity and rendering of change values, per the Java types that
 * {@link io.paraverse.translator.SqlType} fixes: Long, BigInteger, BigDecimal, Float, Double, String, byte[], null.
 * No reflection: one instanceof chain, most frequent types first.
 */
final class Values {
    private Values() { }

    /** A value of a class the change model does not allow. */
    static final class UnsupportedValueException extends RuntimeException {
        UnsupportedValueException(Object v) {
            super("unsupported value class " + v.getClass().getName() + " (the change model allows Long, BigInteger,"
                    + " BigDecimal, Float, Double, String, byte[] and null)");
        }
    }

    static void bind(PreparedStatement ps, int index, Object v) throws SQLException {
        if (v instanceof String s) {
            ps.setString(index, s);
        } else if (v instanceof Long l) {
            ps.setLong(index, l);
        } else if (v == null) {
            ps.setNull(index, Types.NULL);
        } else if (v instanceof byte[] b) {
            ps.setBytes(index, b);
        } else if (v instanceof BigDecimal d) {
            ps.setBigDecimal(index, d);
        } else if (v instanceof Double d) {
            ps.setDouble(index, d);
        } else if (v instanceof Float f) {
            ps.setFloat(index, f);
        } else if (v instanceof BigInteger i) {
            ps.setBigDecimal(index, new BigDecimal(i));
        } else {
            throw new UnsupportedValueException(v);
        }
    }

    /** Fails on a value of an unsupported class. */
    static void check(Object v) {
        if (!(v == null || v instanceof String || v instanceof Long || v instanceof byte[] || v instanceof BigDecimal
                || v instanceof Double || v instanceof Float || v instanceof BigInteger)) {
            throw new UnsupportedValueException(v);
        }
    }

    /** An upper bound of the bytes a value takes in a statement sent to the server (text or binary protocol). */
    static int estimateBytes(Object v) {
        if (v instanceof String s) {
            return 3 * s.length() + 4; // a UTF-16 unit is at most 3 UTF-8 bytes; quotes and escapes
        } else if (v instanceof byte[] b) {
            return 2 * b.length + 12; // escaped: each byte at most 2; _binary'' prefix
        } else if (v instanceof BigDecimal d) {
            return d.precision() + Math.abs(d.scale()) + 8;
        }
        return 24;
    }

    /** A lower bound of the bytes a value takes on the wire: what it certainly costs. */
    static long minBytes(Object v) {
        if (v instanceof String s) {
            return s.length(); // at least one byte per UTF-16 unit
        } else if (v instanceof byte[] b) {
            return b.length;
        }
        return 1;
    }

    /**
     * An object with value equality for one key value: the value itself, except byte[] (compared by content).
     * Keys are compared by the values the source stored (row images), not by the target's collation.
     */
    static Object keyPart(Object v) {
        return v instanceof byte[] b ? new Bytes(b) : v;
    }

    /** Key identity of the given key columns of a value list. */
    static Object key(List<Object> values, int[] keyIndexes) {
        if (keyIndexes.length == 1) {
            return keyPart(values.get(keyIndexes[0]));
        }
        Object[] k = new Object[keyIndexes.length];
        for (int i = 0; i < k.length; i++) {
            k[i] = keyPart(values.get(keyIndexes[i]));
        }
        return new Composite(k);
    }

    /** Key identity of a key value list. */
    static Object key(List<Object> keyValues) {
        if (keyValues.size() == 1) {
            return keyPart(keyValues.get(0));
        }
        Object[] k = new Object[keyValues.size()];
        for (int i = 0; i < k.length; i++) {
            k[i] = keyPart(keyValues.get(i));
        }
        return new Composite(k);
    }

    private record Bytes(byte[] b) {
        @Override public boolean equals(Object o) { return o instanceof Bytes x && Arrays.equals(b, x.b); }
        @Override public int hashCode() { return Arrays.hashCode(b); }
    }

    private record Composite(Object[] parts) {
        @Override public boolean equals(Object o) { return o instanceof Composite c && Arrays.equals(parts, c.parts); }
        @Override public int hashCode() { return Arrays.hashCode(parts); }
    }

    /** A short human-readable form of values for error messages (long strings and byte arrays shortened). */
    static String render(List<?> values) {
        StringBuilder sb = new StringBuilder("[");
        for (int i = 0; i < values.size(); i++) {
            if (i > 0) {
                sb.append(", ");
            }
            sb.append(render(values.get(i)));
        }
        return sb.append(']').toString();
    }

    static String render(Object v) {
        if (v == null) {
            return "NULL";
        } else if (v instanceof String s) {
            return "'" + (s.length() > 64 ? s.substring(0, 64) + "...(" + s.length() + " chars)" : s) + "'";
        } else if (v instanceof byte[] b) {
            String hex = HexFormat.of().formatHex(b, 0, Math.min(b.length, 32));
            return "0x" + hex + (b.length > 32 ? "...(" + b.length + " bytes)" : "");
        }
        return String.valueOf(v);
    }
}
