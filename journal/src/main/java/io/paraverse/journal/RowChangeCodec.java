package io.paraverse.journal;

import io.paraverse.translator.Column;
import io.paraverse.translator.Commit;
import io.paraverse.translator.RowChange;
import io.paraverse.translator.SourcePosition;
import io.paraverse.translator.SqlType;
import io.paraverse.translator.TableDef;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.function.IntFunction;

/**
 * Compact, exact binary encoding of the change model, shared by every journal implementation.
 *
 * <p>A row carries only a small table id; the {@link TableDef} is encoded once elsewhere (per segment in
 * {@link SegmentJournal}) and resolved on decode through a lookup. Each value is a one-byte tag followed by its
 * data, and decodes to an object equal to the original: floats keep their raw bits (NaN payloads, -0.0),
 * BigDecimal keeps its scale, strings with unpaired surrogates survive, empty byte[] stays distinct from null.
 *
 * <p>Decoding throws {@link IllegalArgumentException} or {@link java.nio.BufferUnderflowException} on malformed
 * input; callers that read from storage turn that into a corruption error naming where the bytes came from.
 */
public final class RowChangeCodec {
    // Value tags: part of the on-disk format, never renumber.
    static final int NULL = 0;
    static final int LONG = 1;
    static final int BIG_INTEGER = 2;
    static final int BIG_DECIMAL = 3;
    static final int FLOAT = 4;
    static final int DOUBLE = 5;
    static final int STRING_UTF8 = 6;
    /** Strings with unpaired surrogates, which UTF-8 cannot carry: stored as UTF-16 code units. */
    static final int STRING_UTF16 = 7;
    static final int BYTES = 8;

    // Op codes: part of the on-disk format.
    private static final int INSERT = 1;
    private static final int UPDATE = 2;
    private static final int DELETE = 3;

    private RowChangeCodec() {
    }

    // ---- values ----------------------------------------------------------------------------------------

    /** True if {@code value} is of a class the codec can carry (see {@link SqlType}). */
    public static boolean isSupported(Object value) {
        return value == null || value instanceof Long || value instanceof String || value instanceof byte[]
                || value instanceof BigDecimal || value instanceof BigInteger
                || value instanceof Double || value instanceof Float;
    }

    /** Appends a tagged value; IllegalArgumentException if its class is not one {@link SqlType} lists. */
    public static void encodeValue(Object value, ByteSink out) {
        if (!tryEncodeValue(value, out)) {
            throw new IllegalArgumentException("cannot encode value of class " + value.getClass().getName()
                    + ": " + supportedClasses());
        }
    }

    private static boolean tryEncodeValue(Object value, ByteSink out) {
        if (value == null) {
            out.put(NULL);
        } else if (value instanceof Long l) {
            out.put(LONG);
            out.putZigZagLong(l);
        } else if (value instanceof String s) {
            encodeString(s, out);
        } else if (value instanceof byte[] b) {
            out.put(BYTES);
            out.putVarLong(b.length);
            out.putBytes(b);
        } else if (value instanceof BigDecimal d) {
            out.put(BIG_DECIMAL);
            out.putZigZagLong(d.scale());
            byte[] unscaled = d.unscaledValue().toByteArray();
            out.putVarLong(unscaled.length);
            out.putBytes(unscaled);
        } else if (value instanceof BigInteger i) {
            out.put(BIG_INTEGER);
            byte[] b = i.toByteArray();
            out.putVarLong(b.length);
            out.putBytes(b);
        } else if (value instanceof Double d) {
            out.put(DOUBLE);
            out.putLong(Double.doubleToRawLongBits(d));
        } else if (value instanceof Float f) {
            out.put(FLOAT);
            out.putInt(Float.floatToRawIntBits(f));
        } else {
            return false;
        }
        return true;
    }

    private static void encodeString(String s, ByteSink out) {
        if (hasUnpairedSurrogate(s)) {
            out.put(STRING_UTF16);
            out.putVarLong(s.length());
            for (int i = 0; i < s.length(); i++) {
                char c = s.charAt(i);
                out.put(c >>> 8);
                out.put(c);
            }
            return;
        }
        byte[] utf8 = s.getBytes(StandardCharsets.UTF_8);
        out.put(STRING_UTF8);
        out.putVarLong(utf8.length);
        out.putBytes(utf8);
    }

    /** UTF-8 encoding would replace an unpaired surrogate with '?', so such strings take the UTF-16 path. */
    private static boolean hasUnpairedSurrogate(String s) {
        for (int i = 0, n = s.length(); i < n; i++) {
            char c = s.charAt(i);
            if (Character.isSurrogate(c)) {
                if (Character.isHighSurrogate(c) && i + 1 < n && Character.isLowSurrogate(s.charAt(i + 1))) {
                    i++;
                } else {
                    return true;
                }
            }
        }
        return false;
    }

    public static Object decodeValue(ByteBuffer in) {
        int tag = in.get() & 0xFF;
        switch (tag) {
            case NULL:
                return null;
            case LONG:
                return readZigZagLong(in);
            case STRING_UTF8:
                return new String(readBytes(in), StandardCharsets.UTF_8);
            case STRING_UTF16: {
                int n = readLength(in, 2);
                char[] chars = new char[n];
                for (int i = 0; i < n; i++) {
                    chars[i] = in.getChar();
                }
                return new String(chars);
            }
            case BYTES:
                return readBytes(in);
            case BIG_DECIMAL: {
                int scale = Math.toIntExact(readZigZagLong(in));
                return new BigDecimal(new BigInteger(readNonEmptyBytes(in, "BigDecimal")), scale);
            }
            case BIG_INTEGER:
                return new BigInteger(readNonEmptyBytes(in, "BigInteger"));
            case DOUBLE:
                return Double.longBitsToDouble(in.getLong());
            case FLOAT:
                return Float.intBitsToFloat(in.getInt());
            default:
                throw new IllegalArgumentException("unknown value tag " + tag + " at byte " + (in.position() - 1));
        }
    }

    // ---- rows --------------------------------------------------------------------------------------------

    /**
     * Appends a row change that refers to its table by {@code tableId}. On an unsupported value class throws
     * IllegalArgumentException naming table and column, having possibly appended part of the row: callers
     * encode into a scratch sink and store it only on success.
     */
    public static void encodeRow(RowChange change, int tableId, ByteSink out) {
        out.putVarLong(tableId);
        RowChange.Op op = change.op();
        out.put(op == RowChange.Op.INSERT ? INSERT : op == RowChange.Op.UPDATE ? UPDATE : DELETE);
        encodePosition(change.position(), out);
        out.putZigZagLong(change.commitTimeMillis());
        int n = change.table().columns().size();
        if (change.hasBefore()) {
            encodeImage(change, n, true, out);
        }
        if (change.hasAfter()) {
            encodeImage(change, n, false, out);
        }
    }

    private static void encodeImage(RowChange change, int n, boolean before, ByteSink out) {
        for (int i = 0; i < n; i++) {
            // before(i)/after(i) copy byte[] values; acceptable, binary columns are the minority
            Object v = before ? change.before(i) : change.after(i);
            if (!tryEncodeValue(v, out)) {
                Column c = change.table().columns().get(i);
                throw new IllegalArgumentException("cannot journal the " + (before ? "before" : "after")
                        + " value of column " + change.table().qualifiedName() + "." + c.name() + " (" + c.type()
                        + ") at " + change.position() + ": value class " + v.getClass().getName() + " is not supported; "
                        + supportedClasses() + ". Capture must convert it to the type SqlType lists");
            }
        }
    }

    /** Decodes a row change; {@code tableById} resolves the table id (null for an unknown id). */
    public static RowChange decodeRow(ByteBuffer in, IntFunction<TableDef> tableById) {
        long tableId = readVarLong(in);
        TableDef table = tableId < 0 || tableId > Integer.MAX_VALUE ? null : tableById.apply((int) tableId);
        if (table == null) {
            throw new IllegalArgumentException("row refers to table id " + tableId + ", which no table record defined");
        }
        int opCode = in.get();
        RowChange.Op op;
        switch (opCode) {
            case INSERT: op = RowChange.Op.INSERT; break;
            case UPDATE: op = RowChange.Op.UPDATE; break;
            case DELETE: op = RowChange.Op.DELETE; break;
            default: throw new IllegalArgumentException("unknown row op code " + opCode);
        }
        SourcePosition position = decodePosition(in);
        long commitTime = readZigZagLong(in);
        int n = table.columns().size();
        Object[] before = op == RowChange.Op.INSERT ? null : decodeImage(in, n);
        Object[] after = op == RowChange.Op.DELETE ? null : decodeImage(in, n);
        return new RowChange(table, op, before, after, position, commitTime);
    }

    private static Object[] decodeImage(ByteBuffer in, int n) {
        Object[] image = new Object[n];
        for (int i = 0; i < n; i++) {
            image[i] = decodeValue(in);
        }
        return image;
    }

    // ---- commits and positions ---------------------------------------------------------------------------

    public static void encodeCommit(Commit commit, ByteSink out) {
        encodePosition(commit.position(), out);
        out.putZigZagLong(commit.commitTimeMillis());
    }

    public static Commit decodeCommit(ByteBuffer in) {
        SourcePosition position = decodePosition(in);
        return new Commit(position, readZigZagLong(in));
    }

    private static void encodePosition(SourcePosition p, ByteSink out) {
        encodeValue(p.gtid(), out);
        encodeValue(p.gtidPosition(), out);
        encodeValue(p.binlogFile(), out);
        out.putZigZagLong(p.binlogPos());
    }

    private static SourcePosition decodePosition(ByteBuffer in) {
        String gtid = decodeString(in, true);
        String gtidPosition = decodeString(in, true);
        String file = decodeString(in, false);
        return new SourcePosition(gtid, gtidPosition, file, readZigZagLong(in));
    }

    // ---- table definitions -------------------------------------------------------------------------------

    public static void encodeTableDef(TableDef def, ByteSink out) {
        encodeValue(def.schema(), out);
        encodeValue(def.table(), out);
        out.putVarLong(def.columns().size());
        for (Column c : def.columns()) {
            encodeValue(c.name(), out);
            encodeValue(c.type().name(), out); // by name, so reordering SqlType never changes old journals' meaning
            out.put(c.unsigned() ? 1 : 0);
            encodeValue(c.charset(), out);
        }
        out.putVarLong(def.primaryKey().size());
        for (String k : def.primaryKey()) {
            encodeValue(k, out);
        }
    }

    public static TableDef decodeTableDef(ByteBuffer in) {
        String schema = decodeString(in, false);
        String table = decodeString(in, false);
        int n = readLength(in, 1);
        List<Column> columns = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            String name = decodeString(in, false);
            String typeName = decodeString(in, false);
            SqlType type;
            try {
                type = SqlType.valueOf(typeName);
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("column " + schema + "." + table + "." + name
                        + " has SQL type " + typeName + ", which this version of paraverse does not know");
            }
            boolean unsigned = in.get() != 0;
            columns.add(new Column(name, type, unsigned, decodeString(in, true)));
        }
        int k = readLength(in, 1);
        List<String> key = new ArrayList<>(k);
        for (int i = 0; i < k; i++) {
            key.add(decodeString(in, false));
        }
        return new TableDef(schema, table, columns, key);
    }

    // ---- primitives --------------------------------------------------------------------------------------

    private static String decodeString(ByteBuffer in, boolean nullable) {
        int at = in.position();
        Object v = decodeValue(in);
        if (v instanceof String s) {
            return s;
        }
        if (v == null && nullable) {
            return null;
        }
        throw new IllegalArgumentException("expected a string at byte " + at + " but found "
                + (v == null ? "null" : v.getClass().getSimpleName()));
    }

    public static long readVarLong(ByteBuffer in) {
        long v = 0;
        for (int shift = 0; shift < 64; shift += 7) {
            byte b = in.get();
            v |= (long) (b & 0x7F) << shift;
            if (b >= 0) {
                return v;
            }
        }
        throw new IllegalArgumentException("variable-length integer longer than 10 bytes at byte " + in.position());
    }

    public static long readZigZagLong(ByteBuffer in) {
        long z = readVarLong(in);
        return (z >>> 1) ^ -(z & 1);
    }

    /** A length prefix, checked against the bytes left so a damaged prefix cannot trigger a huge allocation. */
    private static int readLength(ByteBuffer in, int bytesPerUnit) {
        long n = readVarLong(in);
        if (n < 0 || n > in.remaining() / bytesPerUnit) {
            throw new IllegalArgumentException("length " + n + " exceeds the " + in.remaining() + " bytes left");
        }
        return (int) n;
    }

    private static byte[] readBytes(ByteBuffer in) {
        byte[] b = new byte[readLength(in, 1)];
        in.get(b);
        return b;
    }

    private static byte[] readNonEmptyBytes(ByteBuffer in, String what) {
        byte[] b = readBytes(in);
        if (b.length == 0) {
            throw new IllegalArgumentException(what + " with no magnitude bytes");
        }
        return b;
    }

    private static String supportedClasses() {
        return "supported are null, Long, BigInteger, BigDecimal, Float, Double, String and byte[]";
    }
}
