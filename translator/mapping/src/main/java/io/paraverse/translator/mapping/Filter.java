package io.paraverse.translator.mapping;

import io.paraverse.translator.RowChange;
import io.paraverse.translator.TableDef;

import java.math.BigDecimal;
import java.util.Arrays;

/**
 * A validated row filter: column names and literals already converted to the source column's value type. Bound to
 * a {@link TableDef} once ({@link #bind}), it tests a row image by column index without lookups. SQL semantics: a
 * NULL column value satisfies only is_null (equals, not_equals, in and not_in are all false for NULL).
 */
abstract class Filter {

    /** A bound filter: tests the after image ({@code after}) or the before image of a change. */
    interface RowTest {
        boolean test(RowChange c, boolean after);
    }

    /** Binds to a table version; null if a column is missing (the caller reports it). */
    abstract RowTest bind(TableDef def, StringBuilder missing);

    static Filter all(Filter[] parts) {
        return new Filter() {
            @Override
            RowTest bind(TableDef def, StringBuilder missing) {
                RowTest[] t = bindAll(parts, def, missing);
                if (t == null) {
                    return null;
                }
                return (c, after) -> {
                    for (RowTest x : t) {
                        if (!x.test(c, after)) {
                            return false;
                        }
                    }
                    return true;
                };
            }
        };
    }

    static Filter any(Filter[] parts) {
        return new Filter() {
            @Override
            RowTest bind(TableDef def, StringBuilder missing) {
                RowTest[] t = bindAll(parts, def, missing);
                if (t == null) {
                    return null;
                }
                return (c, after) -> {
                    for (RowTest x : t) {
                        if (x.test(c, after)) {
                            return true;
                        }
                    }
                    return false;
                };
            }
        };
    }

    static Filter test(String column, Spec.TestOp op, Object[] values) {
        return new Filter() {
            @Override
            RowTest bind(TableDef def, StringBuilder missing) {
                int idx = def.indexOf(column);
                if (idx < 0) {
                    missing.append(column);
                    return null;
                }
                switch (op) {
                    case IS_NULL:
                        return (c, after) -> (after ? c.after(idx) : c.before(idx)) == null;
                    case IS_NOT_NULL:
                        return (c, after) -> (after ? c.after(idx) : c.before(idx)) != null;
                    case EQUALS: {
                        Object lit = values[0];
                        return (c, after) -> {
                            Object v = after ? c.after(idx) : c.before(idx);
                            return v != null && eq(v, lit);
                        };
                    }
                    case NOT_EQUALS: {
                        Object lit = values[0];
                        return (c, after) -> {
                            Object v = after ? c.after(idx) : c.before(idx);
                            return v != null && !eq(v, lit);
                        };
                    }
                    default: {
                        boolean in = op == Spec.TestOp.IN;
                        return (c, after) -> {
                            Object v = after ? c.after(idx) : c.before(idx);
                            if (v == null) {
                                return false;
                            }
                            for (Object lit : values) {
                                if (eq(v, lit)) {
                                    return in;
                                }
                            }
                            return !in;
                        };
                    }
                }
            }
        };
    }

    private static RowTest[] bindAll(Filter[] parts, TableDef def, StringBuilder missing) {
        RowTest[] t = new RowTest[parts.length];
        for (int i = 0; i < parts.length; i++) {
            t[i] = parts[i].bind(def, missing);
            if (t[i] == null) {
                return null;
            }
        }
        return t;
    }

    static boolean eq(Object v, Object lit) {
        if (v instanceof BigDecimal a && lit instanceof BigDecimal b) {
            return a.compareTo(b) == 0;
        }
        if (v instanceof byte[] a && lit instanceof byte[] b) {
            return Arrays.equals(a, b);
        }
        return v.equals(lit);
    }
}
