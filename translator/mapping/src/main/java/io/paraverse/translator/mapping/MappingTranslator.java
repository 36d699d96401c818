package io.paraverse.translator.mapping;

import io.paraverse.translator.AbstractTranslator;
import io.paraverse.translator.Column;
import io.paraverse.translator.RowChange;
import io.paraverse.translator.SqlType;
import io.paraverse.translator.TableDef;
import io.paraverse.translator.TargetOp;
import io.paraverse.translator.TargetTable;
import io.paraverse.translator.TranslationContext;
import io.paraverse.translator.TranslationException;
import io.paraverse.translator.Translator;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * The {@link Translator} of a validated {@link MappingFile}. Per source table it holds precomputed plans (target
 * columns, converters, defaults, filters); on the first change of a table version it binds them to column indexes,
 * so a row costs one reference comparison, the value conversions and the ops.
 * <p>
 * Inserts and updates become an upsert of the mapped row into every target whose filter the row passes; deletes a
 * delete by the mapped key. An update that leaves a target's filter deletes there, one that enters it upserts, and
 * one that changes the mapped key deletes the old key first. Pure: the output depends on the change only.
 */
public final class MappingTranslator extends AbstractTranslator {

    /** One target table of a source table, by column names (validated against the real schemas). */
    static final class TargetPlan {
        final TargetTable table;
        final String[] sourceColumns;   // per target column: source column name, or null for a constant
        final SqlType[] sourceTypes;    // the validated source column types (checked when binding)
        final Conversions.Converter[] converters;
        final Object[] fallbacks;       // the constant, or the value for a NULL source value (null: keep NULL)
        final int[] keyPos;
        final Filter filter;            // null: every row

        TargetPlan(TargetTable table, String[] sourceColumns, SqlType[] sourceTypes, Conversions.Converter[] converters,
                   Object[] fallbacks, Filter filter) {
            this.table = table;
            this.sourceColumns = sourceColumns;
            this.sourceTypes = sourceTypes;
            this.converters = converters;
            this.fallbacks = fallbacks;
            this.keyPos = table.keyIndexes();
            this.filter = filter;
        }
    }

    /** A target plan bound to one source table version. */
    private static final class Bound {
        final TargetPlan plan;
        final int[] src;
        final Filter.RowTest filter;

        Bound(TargetPlan plan, int[] src, Filter.RowTest filter) {
            this.plan = plan;
            this.src = src;
            this.filter = filter;
        }
    }

    private final String name;
    private final Map<String, TargetPlan[]> plans; // by source "schema.table"
    private final Set<String> sourceTables;
    private final Map<TableDef, Bound[]> bound = new HashMap<>();
    private TableDef lastDef;
    private Bound[] lastBound;

    MappingTranslator(String name, Map<String, TargetPlan[]> plans) {
        this.name = name;
        this.plans = Map.copyOf(plans);
        this.sourceTables = Collections.unmodifiableSet(new LinkedHashSet<>(plans.keySet()));
    }

    @Override
    public String name() { return name; }

    @Override
    public Set<String> sourceTables() { return sourceTables; }

    /** The target tables (columns in upsert order and key) written for a source table, in the file's order. */
    public List<TargetTable> targetsOf(String sourceTable) {
        TargetPlan[] p = plans.get(sourceTable);
        if (p == null) {
            return List.of();
        }
        List<TargetTable> out = new ArrayList<>();
        for (TargetPlan t : p) {
            out.add(t.table);
        }
        return out;
    }

    private final java.util.concurrent.ConcurrentHashMap<String, TargetTable> redirects = new java.util.concurrent.ConcurrentHashMap<>();

    @Override
    public List<TargetOp> translate(RowChange change, TranslationContext ctx) {
        Bound[] targets = bindings(change);
        if (targets.length == 1) {
            return translate(change, targets[0], redirected(targets[0].plan.table, ctx), new ArrayList<>(2));
        }
        List<TargetOp> ops = new ArrayList<>(targets.length + 1);
        for (Bound b : targets) {
            translate(change, b, redirected(b.plan.table, ctx), ops);
        }
        return ops;
    }

    /** The file's target table, in the schema the context maps its schema to (translate-check writes to a scratch schema). */
    private TargetTable redirected(TargetTable table, TranslationContext ctx) {
        String schema = ctx.targetSchema(table.schema());
        if (schema.equals(table.schema())) {
            return table;
        }
        return redirects.computeIfAbsent(schema + "\u0000" + table.qualifiedName(),
                k -> new TargetTable(schema, table.table(), table.columns(), table.key()));
    }

    private List<TargetOp> translate(RowChange c, Bound b, TargetTable table, List<TargetOp> ops) {
        TargetPlan p = b.plan;
        switch (c.op()) {
            case INSERT:
                if (b.filter == null || b.filter.test(c, true)) {
                    ops.add(new TargetOp.Upsert(table, Arrays.asList(row(c, b, true))));
                }
                return ops;
            case DELETE:
                if (b.filter == null || b.filter.test(c, false)) {
                    ops.add(new TargetOp.Delete(table, Arrays.asList(key(c, b))));
                }
                return ops;
            default: {
                boolean was = b.filter == null || b.filter.test(c, false);
                boolean is = b.filter == null || b.filter.test(c, true);
                if (is) {
                    Object[] row = row(c, b, true);
                    if (was) {
                        Object[] old = key(c, b);
                        int[] kp = p.keyPos;
                        for (int i = 0; i < kp.length; i++) {
                            if (!Objects.deepEquals(old[i], row[kp[i]])) {
                                ops.add(new TargetOp.Delete(table, Arrays.asList(old)));
                                break;
                            }
                        }
                    }
                    ops.add(new TargetOp.Upsert(table, Arrays.asList(row)));
                } else if (was) {
                    ops.add(new TargetOp.Delete(table, Arrays.asList(key(c, b))));
                }
                return ops;
            }
        }
    }

    private Object[] row(RowChange c, Bound b, boolean after) {
        int n = b.src.length;
        Object[] out = new Object[n];
        for (int i = 0; i < n; i++) {
            out[i] = value(c, b, i, after);
        }
        return out;
    }

    /** The target key from the before image. */
    private Object[] key(RowChange c, Bound b) {
        int[] kp = b.plan.keyPos;
        Object[] out = new Object[kp.length];
        for (int i = 0; i < kp.length; i++) {
            out[i] = value(c, b, kp[i], false);
        }
        return out;
    }

    private Object value(RowChange c, Bound b, int i, boolean after) {
        int s = b.src[i];
        if (s < 0) {
            return b.plan.fallbacks[i];
        }
        Object v = after ? c.after(s) : c.before(s);
        if (v == null) {
            return b.plan.fallbacks[i];
        }
        try {
            return b.plan.converters[i].convert(v);
        } catch (Conversions.ConversionFailure e) {
            throw new TranslationException(name + ": cannot convert " + Conversions.render(v) + " of source column "
                    + c.table().qualifiedName() + "." + b.plan.sourceColumns[i] + " (source key " + sourceKey(c)
                    + ") to " + b.plan.table.qualifiedName() + "." + b.plan.table.columns().get(i) + ": " + e.getMessage(), c);
        }
    }

    private static String sourceKey(RowChange c) {
        int[] idx = c.table().keyIndexes();
        if (idx.length == 0) {
            return "none";
        }
        StringBuilder sb = new StringBuilder("[");
        for (int i = 0; i < idx.length; i++) {
            sb.append(i > 0 ? ", " : "").append(Conversions.render(c.latest(idx[i])));
        }
        return sb.append(']').toString();
    }

    private Bound[] bindings(RowChange c) {
        TableDef def = c.table();
        if (def == lastDef) {
            return lastBound;
        }
        Bound[] b = bound.get(def);
        if (b == null) {
            b = bind(def, c);
            if (bound.size() > 1000) {
                bound.clear();
            }
            bound.put(def, b);
        }
        lastDef = def;
        lastBound = b;
        return b;
    }

    private Bound[] bind(TableDef def, RowChange c) {
        TargetPlan[] ps = plans.get(def.qualifiedName());
        if (ps == null) {
            throw new TranslationException(name + " does not map source table " + def.qualifiedName()
                    + " (it maps " + sourceTables + ")", c);
        }
        Bound[] out = new Bound[ps.length];
        for (int t = 0; t < ps.length; t++) {
            TargetPlan p = ps[t];
            int[] src = new int[p.sourceColumns.length];
            for (int i = 0; i < src.length; i++) {
                String col = p.sourceColumns[i];
                if (col == null) {
                    src[i] = -1;
                    continue;
                }
                int idx = def.indexOf(col);
                if (idx < 0) {
                    throw new TranslationException(name + ": source table " + def.qualifiedName() + " has no column "
                            + col + " any more (mapped to " + p.table.qualifiedName() + "." + p.table.columns().get(i)
                            + "); the source schema changed since the mapping was validated", c);
                }
                Column sc = def.columns().get(idx);
                if (Conversions.kind(sc.type()) != Conversions.kind(p.sourceTypes[i])) {
                    throw new TranslationException(name + ": source column " + def.qualifiedName() + "." + col + " is "
                            + sc.type() + " in the change stream but was " + p.sourceTypes[i]
                            + " when the mapping was validated", c);
                }
                src[i] = idx;
            }
            Filter.RowTest f = null;
            if (p.filter != null) {
                StringBuilder missing = new StringBuilder();
                f = p.filter.bind(def, missing);
                if (f == null) {
                    throw new TranslationException(name + ": source table " + def.qualifiedName() + " has no column "
                            + missing + " any more (used by the where: of " + p.table.qualifiedName() + ")", c);
                }
            }
            out[t] = new Bound(p, src, f);
        }
        return out;
    }
}
