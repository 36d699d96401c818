package io.paraverse.capture;

import io.paraverse.translator.Column;
import io.paraverse.translator.SqlType;
import io.paraverse.translator.TableDef;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * One TABLE_MAP event, parsed: the table's name, its {@link TableDef} (built from the event's
 * {@code binlog_row_metadata=FULL} fields: column names, primary key, signedness, character sets, ENUM/SET labels)
 * and, per column, how to decode its values in row events. Tables the filter excludes are only named.
 * Kept per table id and reused while later table maps for that id carry exactly the same bytes.
 */
final class TableMapping {
    // MySQL/MariaDB column type codes as they appear in table-map events
    static final int T_DECIMAL = 0, T_TINY = 1, T_SHORT = 2, T_LONG = 3, T_FLOAT = 4, T_DOUBLE = 5, T_NULL = 6,
            T_TIMESTAMP = 7, T_LONGLONG = 8, T_INT24 = 9, T_DATE = 10, T_TIME = 11, T_DATETIME = 12, T_YEAR = 13,
            T_NEWDATE = 14, T_VARCHAR = 15, T_BIT = 16, T_TIMESTAMP2 = 17, T_DATETIME2 = 18, T_TIME2 = 19,
            T_BLOB_COMPRESSED = 140, T_VARCHAR_COMPRESSED = 141, T_VECTOR = 242, T_JSON = 245, T_NEWDECIMAL = 246,
            T_ENUM = 247, T_SET = 248, T_TINY_BLOB = 249, T_MEDIUM_BLOB = 250, T_LONG_BLOB = 251, T_BLOB = 252,
            T_VAR_STRING = 253, T_STRING = 254, T_GEOMETRY = 255;

    // optional metadata field types (binlog_row_metadata)
    private static final int M_SIGNEDNESS = 1, M_DEFAULT_CHARSET = 2, M_COLUMN_CHARSET = 3, M_COLUMN_NAME = 4,
            M_SET_STR_VALUE = 5, M_ENUM_STR_VALUE = 6, M_SIMPLE_PRIMARY_KEY = 8, M_PRIMARY_KEY_WITH_PREFIX = 9,
            M_ENUM_AND_SET_DEFAULT_CHARSET = 10, M_ENUM_AND_SET_COLUMN_CHARSET = 11, M_MAX = 16;

    final long tableId;
    final String schema;
    final String table;
    final boolean captured;
    /** Null when not captured. */
    final TableDef def;
    final int columnCount;
    /** Decoding instructions per column (see {@link RowsDecoder}); null when not captured. */
    final int[] kind;
    final int[] p1;
    final Collations.TextDecoder[] text;
    final String[][] labels;
    private final byte[] raw;

    private TableMapping(long tableId, byte[] raw, String schema, String table, boolean captured, TableDef def,
                         int columnCount, int[] kind, int[] p1, Collations.TextDecoder[] text, String[][] labels) {
        this.tableId = tableId;
        this.raw = raw;
        this.schema = schema;
        this.table = table;
        this.captured = captured;
        this.def = def;
        this.columnCount = columnCount;
        this.kind = kind;
        this.p1 = p1;
        this.text = text;
        this.labels = labels;
    }

    /**
     * Names of columns in the pre-MySQL-5.6 temporal formats (MariaDB tables created before 10.1.2 or with
     * mysql56_temporal_format=OFF). The binlog does not say whether they have fractional seconds, which changes
     * their size; capture asks the source (see BinlogCapture) and refuses the fractional ones.
     */
    List<String> oldTemporalColumns() {
        List<String> out = new ArrayList<>();
        if (kind != null) {
            for (int i = 0; i < kind.length; i++) {
                if (kind[i] == RowsDecoder.TIME_OLD || kind[i] == RowsDecoder.DATETIME_OLD
                        || kind[i] == RowsDecoder.TIMESTAMP_OLD) {
                    out.add(def.columns().get(i).name());
                }
            }
        }
        return out;
    }

    /** Whether a table-map event body is byte-for-byte the one this mapping was built from. */
    boolean sameAs(byte[] b, int len) {
        return Arrays.equals(raw, 0, raw.length, b, 0, len);
    }

    static long tableId(byte[] b) {
        return (b[0] & 0xFFL) | (b[1] & 0xFFL) << 8 | (b[2] & 0xFFL) << 16 | (b[3] & 0xFFL) << 24
                | (b[4] & 0xFFL) << 32 | (b[5] & 0xFFL) << 40;
    }

    /**
     * Parses a TABLE_MAP event body (without checksum).
     *
     * @param mariaDb whether the source is MariaDB (GEOMETRY columns carry a character set there, and YEAR counts
     *                as numeric for signedness)
     */
    static TableMapping parse(byte[] b, int len, boolean mariaDb, TableFilter filter, Collations collations) {
        Reader r = new Reader(b, len);
        long tableId = r.le(6);
        r.skip(2); // flags
        String schema = r.name();
        String table = r.name();
        byte[] raw = Arrays.copyOf(b, len);
        if (!filter.includes(schema, table)) {
            return new TableMapping(tableId, raw, schema, table, false, null, 0, null, null, null, null);
        }
        String where = "table " + schema + "." + table;
        int n = (int) r.packed();
        int[] type = new int[n];
        for (int i = 0; i < n; i++) {
            type[i] = r.u8();
        }
        int metaEnd = (int) r.packed();
        metaEnd += r.pos;
        int[] meta = new int[n];
        for (int i = 0; i < n; i++) {
            switch (type[i]) {
                case T_FLOAT, T_DOUBLE, T_BLOB, T_TINY_BLOB, T_MEDIUM_BLOB, T_LONG_BLOB, T_JSON, T_GEOMETRY,
                     T_TIME2, T_DATETIME2, T_TIMESTAMP2, T_VECTOR, T_BLOB_COMPRESSED -> meta[i] = r.u8();
                case T_VARCHAR, T_BIT, T_VARCHAR_COMPRESSED -> meta[i] = r.u8() | r.u8() << 8;
                case T_NEWDECIMAL -> meta[i] = r.u8() | r.u8() << 8; // precision | scale << 8
                case T_STRING, T_ENUM, T_SET -> meta[i] = r.u8() << 8 | r.u8(); // real type << 8 | length
                default -> meta[i] = 0;
            }
        }
        if (r.pos != metaEnd) {
            throw new CaptureException(where + ": column metadata of the table-map event has an unexpected length");
        }
        r.pos = metaEnd;
        r.skip((n + 7) / 8); // nullability bitmap
        // optional metadata fields: remember where each one is, interpret once all are known
        int[] fieldStart = new int[M_MAX];
        int[] fieldEnd = new int[M_MAX];
        Arrays.fill(fieldStart, -1);
        while (r.pos < len) {
            int ft = r.u8();
            int flen = (int) r.packed();
            if (ft < M_MAX) {
                fieldStart[ft] = r.pos;
                fieldEnd[ft] = r.pos + flen;
            }
            r.skip(flen);
        }
        if (fieldStart[M_COLUMN_NAME] < 0) {
            throw new CaptureException("the binlog has no column names for " + where
                    + ": set binlog_row_metadata=FULL on the source (SET GLOBAL binlog_row_metadata=FULL and in the"
                    + " server configuration); changes logged before that cannot be captured");
        }

        // resolve real types (CHAR/BINARY vs ENUM vs SET) and byte lengths of STRING columns
        int[] real = new int[n];
        int[] strLen = new int[n];
        for (int i = 0; i < n; i++) {
            real[i] = type[i];
            if (type[i] == T_STRING || type[i] == T_ENUM || type[i] == T_SET) {
                int m0 = meta[i] >> 8, m1 = meta[i] & 0xFF;
                if ((m0 & 0x30) != 0x30) { // CHAR longer than 255 bytes: high length bits folded into the type
                    real[i] = m0 | 0x30;
                    strLen[i] = m1 | (((m0 & 0x30) ^ 0x30) << 4);
                } else {
                    real[i] = m0 == T_ENUM || m0 == T_SET ? m0 : type[i] == T_STRING ? T_STRING : m0;
                    strLen[i] = m1;
                }
            }
        }

        List<String> names = strings(b, fieldStart[M_COLUMN_NAME], fieldEnd[M_COLUMN_NAME]);
        if (names.size() != n) {
            throw new CaptureException(where + ": the table map names " + names.size() + " columns but has " + n);
        }

        // signedness: one bit per numeric column, most significant bit first, 1 = UNSIGNED
        boolean[] unsigned = new boolean[n];
        int numeric = 0;
        for (int i = 0; i < n; i++) {
            if (isNumeric(real[i], mariaDb)) {
                if (fieldStart[M_SIGNEDNESS] < 0) {
                    throw new CaptureException(where + ": the binlog has no signedness metadata; set"
                            + " binlog_row_metadata=FULL on the source");
                }
                int byteIx = fieldStart[M_SIGNEDNESS] + (numeric >> 3);
                unsigned[i] = (b[byteIx] & (0x80 >> (numeric & 7))) != 0;
                numeric++;
            }
        }

        // character sets: one entry per character column, and separately per ENUM/SET column
        int charCols = 0, enumSetCols = 0;
        for (int i = 0; i < n; i++) {
            if (isCharacter(real[i], mariaDb)) {
                charCols++;
            } else if (real[i] == T_ENUM || real[i] == T_SET) {
                enumSetCols++;
            }
        }
        int[] charColl = collations(b, fieldStart, fieldEnd, M_DEFAULT_CHARSET, M_COLUMN_CHARSET, charCols, where,
                "character");
        int[] enumColl = collations(b, fieldStart, fieldEnd, M_ENUM_AND_SET_DEFAULT_CHARSET,
                M_ENUM_AND_SET_COLUMN_CHARSET, enumSetCols, where, "ENUM/SET");
        List<List<byte[]>> enumValues = labelLists(b, fieldStart[M_ENUM_STR_VALUE], fieldEnd[M_ENUM_STR_VALUE]);
        List<List<byte[]>> setValues = labelLists(b, fieldStart[M_SET_STR_VALUE], fieldEnd[M_SET_STR_VALUE]);

        // primary key
        List<String> pk = new ArrayList<>();
        if (fieldStart[M_SIMPLE_PRIMARY_KEY] >= 0) {
            Reader pr = new Reader(b, fieldEnd[M_SIMPLE_PRIMARY_KEY]);
            pr.pos = fieldStart[M_SIMPLE_PRIMARY_KEY];
            while (pr.pos < pr.end) {
                pk.add(names.get((int) pr.packed()));
            }
        } else if (fieldStart[M_PRIMARY_KEY_WITH_PREFIX] >= 0) {
            Reader pr = new Reader(b, fieldEnd[M_PRIMARY_KEY_WITH_PREFIX]);
            pr.pos = fieldStart[M_PRIMARY_KEY_WITH_PREFIX];
            while (pr.pos < pr.end) {
                pk.add(names.get((int) pr.packed()));
                pr.packed(); // prefix length
            }
        }

        int[] kind = new int[n];
        int[] p1 = new int[n];
        Collations.TextDecoder[] text = new Collations.TextDecoder[n];
        String[][] labels = new String[n][];
        List<Column> columns = new ArrayList<>(n);
        int ci = 0, ei = 0, enumIx = 0, setIx = 0;
        for (int i = 0; i < n; i++) {
            String col = names.get(i);
            String cw = "column " + schema + "." + table + "." + col;
            SqlType st;
            String charset = null;
            int m = meta[i];
            switch (real[i]) {
                case T_TINY -> { st = SqlType.TINYINT; kind[i] = unsigned[i] ? RowsDecoder.UTINY : RowsDecoder.TINY; }
                case T_SHORT -> { st = SqlType.SMALLINT; kind[i] = unsigned[i] ? RowsDecoder.USHORT : RowsDecoder.SHORT; }
                case T_INT24 -> { st = SqlType.MEDIUMINT; kind[i] = unsigned[i] ? RowsDecoder.UINT24 : RowsDecoder.INT24; }
                case T_LONG -> { st = SqlType.INT; kind[i] = unsigned[i] ? RowsDecoder.ULONG : RowsDecoder.LONG; }
                case T_LONGLONG -> { st = SqlType.BIGINT; kind[i] = unsigned[i] ? RowsDecoder.ULONGLONG : RowsDecoder.LONGLONG; }
                case T_YEAR -> { st = SqlType.YEAR; kind[i] = RowsDecoder.YEAR; }
                case T_FLOAT -> { st = SqlType.FLOAT; kind[i] = RowsDecoder.FLOAT; }
                case T_DOUBLE -> { st = SqlType.DOUBLE; kind[i] = RowsDecoder.DOUBLE; }
                case T_NEWDECIMAL -> {
                    st = SqlType.DECIMAL;
                    kind[i] = RowsDecoder.DECIMAL;
                    p1[i] = m; // precision | scale << 8
                    if ((m & 0xFF) == 0 || (m & 0xFF) > 65 || (m >> 8) > (m & 0xFF)) {
                        throw new CaptureException(cw + ": unexpected DECIMAL metadata " + m);
                    }
                }
                case T_BIT -> {
                    st = SqlType.BIT;
                    kind[i] = RowsDecoder.BIT;
                    p1[i] = (m >> 8) + ((m & 0xFF) > 0 ? 1 : 0); // bytes
                }
                case T_DATE, T_NEWDATE -> { st = SqlType.DATE; kind[i] = RowsDecoder.DATE; }
                case T_TIME -> { st = SqlType.TIME; kind[i] = RowsDecoder.TIME_OLD; }
                case T_TIME2 -> { st = SqlType.TIME; kind[i] = RowsDecoder.TIME2; p1[i] = fsp(m, cw); }
                case T_DATETIME -> { st = SqlType.DATETIME; kind[i] = RowsDecoder.DATETIME_OLD; }
                case T_DATETIME2 -> { st = SqlType.DATETIME; kind[i] = RowsDecoder.DATETIME2; p1[i] = fsp(m, cw); }
                case T_TIMESTAMP -> { st = SqlType.TIMESTAMP; kind[i] = RowsDecoder.TIMESTAMP_OLD; }
                case T_TIMESTAMP2 -> { st = SqlType.TIMESTAMP; kind[i] = RowsDecoder.TIMESTAMP2; p1[i] = fsp(m, cw); }
                case T_STRING -> {
                    int coll = charColl[ci++];
                    text[i] = collations.decoder(coll, cw);
                    p1[i] = strLen[i];
                    if (text[i] == null) {
                        st = SqlType.BINARY;
                        kind[i] = RowsDecoder.CHAR_BINARY;
                    } else {
                        st = SqlType.CHAR;
                        kind[i] = RowsDecoder.CHAR_TEXT;
                        charset = collations.charsetName(coll);
                    }
                }
                case T_VARCHAR, T_VAR_STRING -> {
                    int coll = charColl[ci++];
                    text[i] = collations.decoder(coll, cw);
                    p1[i] = m;
                    if (text[i] == null) {
                        st = SqlType.VARBINARY;
                        kind[i] = RowsDecoder.VARBINARY;
                    } else {
                        st = SqlType.VARCHAR;
                        kind[i] = RowsDecoder.VARCHAR_TEXT;
                        charset = collations.charsetName(coll);
                    }
                    if (type[i] == T_VAR_STRING) {
                        throw new CaptureException(cw + ": pre-5.0 VAR_STRING columns are not supported");
                    }
                }
                case T_BLOB, T_TINY_BLOB, T_MEDIUM_BLOB, T_LONG_BLOB -> {
                    int coll = charColl[ci++];
                    text[i] = collations.decoder(coll, cw);
                    p1[i] = m;
                    if (text[i] == null) {
                        st = SqlType.BLOB;
                        kind[i] = RowsDecoder.BLOB_BINARY;
                    } else {
                        st = SqlType.TEXT;
                        kind[i] = RowsDecoder.BLOB_TEXT;
                        charset = collations.charsetName(coll);
                    }
                }
                case T_GEOMETRY -> {
                    if (mariaDb) {
                        ci++;
                    }
                    st = SqlType.GEOMETRY;
                    kind[i] = RowsDecoder.BLOB_BINARY;
                    p1[i] = m;
                }
                case T_JSON -> { st = SqlType.JSON; kind[i] = RowsDecoder.JSON_MYSQL; p1[i] = m; }
                case T_ENUM, T_SET -> {
                    boolean isEnum = real[i] == T_ENUM;
                    int coll = enumColl[ei++];
                    Collations.TextDecoder d = collations.decoder(coll, cw);
                    List<List<byte[]>> all = isEnum ? enumValues : setValues;
                    int ix = isEnum ? enumIx++ : setIx++;
                    if (ix >= all.size()) {
                        throw new CaptureException("the binlog has no " + (isEnum ? "ENUM" : "SET") + " labels for "
                                + cw + ": set binlog_row_metadata=FULL on the source");
                    }
                    List<byte[]> raws = all.get(ix);
                    String[] l = new String[raws.size()];
                    for (int k = 0; k < l.length; k++) {
                        byte[] v = raws.get(k);
                        l[k] = d == null ? new String(v, StandardCharsets.ISO_8859_1) : d.decode(v, 0, v.length);
                    }
                    labels[i] = l;
                    p1[i] = strLen[i];
                    st = isEnum ? SqlType.ENUM : SqlType.SET;
                    kind[i] = isEnum ? RowsDecoder.ENUM : RowsDecoder.SET;
                    charset = collations.charsetName(coll);
                    if (isEnum ? (p1[i] < 1 || p1[i] > 2) : (p1[i] < 1 || p1[i] > 8)) {
                        throw new CaptureException(cw + ": unexpected storage size " + p1[i]);
                    }
                }
                case T_BLOB_COMPRESSED, T_VARCHAR_COMPRESSED -> throw new CaptureException(cw
                        + " is a COMPRESSED column, which the binlog carries compressed; capture does not support it");
                case T_DECIMAL -> throw new CaptureException(cw + ": pre-5.0 DECIMAL columns are not supported");
                default -> throw new CaptureException(cw + " has column type " + type[i]
                        + ", which capture does not support");
            }
            columns.add(new Column(col, st, unsigned[i], charset));
        }
        TableDef def = new TableDef(schema, table, columns, pk);
        return new TableMapping(tableId, raw, schema, table, true, def, n, kind, p1, text, labels);
    }

    private static int fsp(int m, String where) {
        if (m < 0 || m > 6) {
            throw new CaptureException(where + ": unexpected fractional-second precision " + m);
        }
        return m;
    }

    static boolean isNumeric(int t, boolean mariaDb) {
        return switch (t) {
            case T_TINY, T_SHORT, T_INT24, T_LONG, T_LONGLONG, T_NEWDECIMAL, T_FLOAT, T_DOUBLE -> true;
            case T_YEAR -> mariaDb;
            default -> false;
        };
    }

    static boolean isCharacter(int realType, boolean mariaDb) {
        return switch (realType) {
            case T_STRING, T_VARCHAR, T_VAR_STRING, T_BLOB, T_TINY_BLOB, T_MEDIUM_BLOB, T_LONG_BLOB,
                 T_BLOB_COMPRESSED, T_VARCHAR_COMPRESSED -> true;
            case T_GEOMETRY -> mariaDb;
            default -> false;
        };
    }

    /** Collation per column of a group, from the DEFAULT_CHARSET form or the COLUMN_CHARSET form. */
    private static int[] collations(byte[] b, int[] start, int[] end, int defaultField, int columnField, int count,
                                    String where, String what) {
        int[] out = new int[count];
        if (count == 0) {
            return out;
        }
        if (start[columnField] >= 0) {
            Reader r = new Reader(b, end[columnField]);
            r.pos = start[columnField];
            int i = 0;
            while (r.pos < r.end) {
                if (i == count) {
                    throw new CaptureException(where + ": more " + what + " collations than " + what + " columns");
                }
                out[i++] = (int) r.packed();
            }
            if (i != count) {
                throw new CaptureException(where + ": " + i + " " + what + " collations for " + count + " columns");
            }
            return out;
        }
        if (start[defaultField] >= 0) {
            Reader r = new Reader(b, end[defaultField]);
            r.pos = start[defaultField];
            Arrays.fill(out, (int) r.packed());
            while (r.pos < r.end) {
                int ix = (int) r.packed();
                int coll = (int) r.packed();
                if (ix >= count) {
                    throw new CaptureException(where + ": " + what + " collation for column " + ix + " of " + count);
                }
                out[ix] = coll;
            }
            return out;
        }
        throw new CaptureException("the binlog has no character sets for the " + what + " columns of " + where
                + ": set binlog_row_metadata=FULL on the source");
    }

    private static List<String> strings(byte[] b, int start, int end) {
        Reader r = new Reader(b, end);
        r.pos = start;
        List<String> out = new ArrayList<>();
        while (r.pos < end) {
            int l = (int) r.packed();
            out.add(new String(b, r.pos, l, StandardCharsets.UTF_8));
            r.skip(l);
        }
        return out;
    }

    private static List<List<byte[]>> labelLists(byte[] b, int start, int end) {
        List<List<byte[]>> out = new ArrayList<>();
        if (start < 0) {
            return out;
        }
        Reader r = new Reader(b, end);
        r.pos = start;
        while (r.pos < end) {
            int count = (int) r.packed();
            List<byte[]> l = new ArrayList<>(count);
            for (int k = 0; k < count; k++) {
                int len = (int) r.packed();
                l.add(Arrays.copyOfRange(b, r.pos, r.pos + len));
                r.skip(len);
            }
            out.add(l);
        }
        return out;
    }

    /** Little-endian reader over an event body. */
    static final class Reader {
        final byte[] b;
        final int end;
        int pos;

        Reader(byte[] b, int end) {
            this.b = b;
            this.end = end;
        }

        int u8() {
            check(1);
            return b[pos++] & 0xFF;
        }

        long le(int n) {
            check(n);
            long v = 0;
            for (int i = 0; i < n; i++) {
                v |= (b[pos + i] & 0xFFL) << (8 * i);
            }
            pos += n;
            return v;
        }

        long packed() {
            int f = u8();
            if (f < 251) {
                return f;
            }
            return switch (f) {
                case 252 -> le(2);
                case 253 -> le(3);
                case 254 -> le(8);
                default -> throw new CaptureException("bad length-encoded integer in a binlog event");
            };
        }

        void skip(int n) {
            check(n);
            pos += n;
        }

        /** A length-prefixed, zero-terminated name (schema or table). */
        String name() {
            int l = u8();
            check(l + 1);
            String s = new String(b, pos, l, StandardCharsets.UTF_8);
            pos += l + 1;
            return s;
        }

        private void check(int n) {
            if (n < 0 || pos + n > end) {
                throw new CaptureException("truncated binlog event (needed " + n + " bytes at " + pos + " of " + end + ")");
            }
        }
    }
}
