package io.paraverse.translator.testkit;

import io.paraverse.translator.Column;
import io.paraverse.translator.RowChange;
import io.paraverse.translator.SourcePosition;
import io.paraverse.translator.SqlType;
import io.paraverse.translator.TableDef;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Builds source {@link RowChange}s for one table, the way capture would deliver them:
 * <pre>{@code
 * Changes customers = Changes.table("shop.customer").columns("id BIGINT", "name VARCHAR").key("id");
 * RowChange c = customers.insert(1, "Ann");
 * customers.update(row(1, "Ann"), row(1, "Anne"));
 * customers.delete(1, "Anne");
 * }</pre>
 * Values are converted to the Java type capture uses for the column's {@link SqlType} (an {@code int} for a BIGINT
 * column becomes a {@code Long}, a String for a BLOB its UTF-8 bytes); a value that does not fit the column is an
 * {@link IllegalArgumentException} naming it. Each change gets its own GTID and binlog position.
 */
public final class Changes {
    /** Commit time of changes unless {@link #commitTime} says otherwise: 2024-01-01T00:00:00Z. */
    public static final long DEFAULT_COMMIT_TIME = 1_704_067_200_000L;
    private static final AtomicLong SEQUENCE = new AtomicLong();

    private final String schema;
    private final String table;
    private final List<Column> columns = new ArrayList<>();
    private final List<String> key = new ArrayList<>();
    private long commitTime = DEFAULT_COMMIT_TIME;
    private TableDef def;

    private Changes(String schema, String table) {
        this.schema = schema;
        this.table = table;
    }

    /** Changes of source table {@code "schema.table"}. */
    public static Changes table(String qualifiedName) {
        int dot = qualifiedName.indexOf('.');
        if (dot <= 0 || dot == qualifiedName.length() - 1) {
            throw new IllegalArgumentException("table must be schema.table, got '" + qualifiedName + "'");
        }
        return new Changes(qualifiedName.substring(0, dot), qualifiedName.substring(dot + 1));
    }

    /** A row image, for {@link #update}: {@code update(row(1, "a"), row(1, "b"))}. */
    public static Object[] row(Object... values) {
        return values;
    }

    /** Columns as {@code "name TYPE"} or {@code "name TYPE UNSIGNED"}, TYPE a {@link SqlType} name. */
    public Changes columns(String... specs) {
        for (String spec : specs) {
            String[] p = spec.trim().split("\\s+");
            boolean unsigned = p.length == 3 && p[2].equalsIgnoreCase("UNSIGNED");
            if (p.length < 2 || p.length > 3 || (p.length == 3 && !unsigned)) {
                throw new IllegalArgumentException("column spec must be 'name TYPE [UNSIGNED]', got '" + spec + "'");
            }
            SqlType type;
            try {
                type = SqlType.valueOf(p[1].toUpperCase(Locale.ROOT));
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("unknown type " + p[1] + " in '" + spec + "'; one of " + List.of(SqlType.values()));
            }
            boolean character = !type.isBinary() && !type.isInteger() && !type.isTemporal() && type != SqlType.DECIMAL
                    && type != SqlType.FLOAT && type != SqlType.DOUBLE && type != SqlType.BIT;
            columns(new Column(p[0], type, unsigned, character ? "utf8mb4" : null));
        }
        return this;
    }

    public Changes columns(Column... cols) {
        requireOpen();
        columns.addAll(List.of(cols));
        return this;
    }

    /** Primary-key columns (none: a table without primary key). */
    public Changes key(String... keyColumns) {
        requireOpen();
        key.addAll(List.of(keyColumns));
        return this;
    }

    /** Commit time of the changes built from now on. */
    public Changes commitTime(long millis) {
        this.commitTime = millis;
        return this;
    }

    /** The table definition (fixed once the first change or definition is built). */
    public TableDef def() {
        if (def == null) {
            def = new TableDef(schema, table, columns, key);
        }
        return def;
    }

    public RowChange insert(Object... after) {
        return change(RowChange.Op.INSERT, null, after);
    }

    public RowChange update(Object[] before, Object[] after) {
        return change(RowChange.Op.UPDATE, before, after);
    }

    public RowChange delete(Object... before) {
        return change(RowChange.Op.DELETE, before, null);
    }

    private RowChange change(RowChange.Op op, Object[] before, Object[] after) {
        TableDef d = def();
        long n = SEQUENCE.incrementAndGet();
        SourcePosition pos = new SourcePosition("0-1-" + n, "0-1-" + n, "testkit-bin.000001", 256 + 100 * n);
        return new RowChange(d, op, image(d, before, "before"), image(d, after, "after"), pos, commitTime);
    }

    private static Object[] image(TableDef d, Object[] values, String which) {
        if (values == null) {
            return null;
        }
        if (values.length != d.columns().size()) {
            throw new IllegalArgumentException(which + " image of " + d.qualifiedName() + " has " + values.length
                    + " values for the columns " + d.columns().stream().map(Column::name).toList());
        }
        Object[] out = new Object[values.length];
        for (int i = 0; i < values.length; i++) {
            out[i] = convert(d.columns().get(i), values[i], d);
        }
        return out;
    }

    /** The value as capture would type it for this column. */
    static Object convert(Column c, Object v, TableDef d) {
        if (v == null) {
            return null;
        }
        SqlType t = c.type();
        Object out = null;
        if ((t.isInteger() || t == SqlType.BIT) && !(t == SqlType.BIGINT && c.unsigned())) {
            out = integral(v) ? Long.valueOf(((Number) v).longValue()) : null;
        } else if (t == SqlType.BIGINT) {
            out = v instanceof BigInteger ? v : integral(v) ? BigInteger.valueOf(((Number) v).longValue()) : null;
        } else if (t == SqlType.DECIMAL) {
            out = v instanceof BigDecimal ? v : integral(v) ? BigDecimal.valueOf(((Number) v).longValue())
                    : v instanceof String s ? new BigDecimal(s) : null;
        } else if (t == SqlType.DOUBLE) {
            out = v instanceof Number n && !(v instanceof BigDecimal) ? Double.valueOf(n.doubleValue()) : null;
        } else if (t == SqlType.FLOAT) {
            out = v instanceof Number n && !(v instanceof BigDecimal) ? Float.valueOf(n.floatValue()) : null;
        } else if (t.isBinary()) {
            out = v instanceof byte[] b ? b.clone() : v instanceof String s ? s.getBytes(StandardCharsets.UTF_8) : null;
        } else {
            out = v instanceof String ? v : null; // character, temporal (server literal form), ENUM, SET, JSON
        }
        if (out == null) {
            throw new IllegalArgumentException("column " + c.name() + " (" + t + (c.unsigned() ? " UNSIGNED" : "") + ") of "
                    + d.qualifiedName() + " cannot hold " + v.getClass().getSimpleName() + " " + v);
        }
        return out;
    }

    private static boolean integral(Object v) {
        return v instanceof Long || v instanceof Integer || v instanceof Short || v instanceof Byte || v instanceof BigInteger;
    }

    private void requireOpen() {
        if (def != null) {
            throw new IllegalStateException("the definition of " + schema + "." + table + " is fixed once changes are built");
        }
    }
}
