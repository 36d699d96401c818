package io.paraverse.translator.mapping;

import io.paraverse.translator.SqlType;
import io.paraverse.translator.TargetTable;
import io.paraverse.translator.mapping.DbSchema.DbColumn;
import io.paraverse.translator.mapping.DbSchema.DbTable;
import io.paraverse.translator.mapping.MappingException.Problem;
import io.paraverse.translator.mapping.Spec.ColumnSpec;
import io.paraverse.translator.mapping.Spec.Cond;
import io.paraverse.translator.mapping.Spec.Pos;
import io.paraverse.translator.mapping.Spec.Scalar;
import io.paraverse.translator.mapping.Spec.TableSpec;
import io.paraverse.translator.mapping.Spec.TargetSpec;

import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/** Checks a parsed mapping against the real schemas and builds the per-table plans. */
final class Validator {
    private final String file;
    private final DbSchema source;
    private final DbSchema target;
    private final List<Problem> problems = new ArrayList<>();

    Validator(String file, DbSchema source, DbSchema target) {
        this.file = file;
        this.source = source;
        this.target = target;
    }

    MappingTranslator validate(List<TableSpec> tables, String name) throws SQLException {
        Map<String, MappingTranslator.TargetPlan[]> plans = new LinkedHashMap<>();
        for (TableSpec ts : tables) {
            DbTable src = source.table(ts.schema(), ts.table());
            if (src == null) {
                error(ts.source().pos(), "unknown source table " + ts.source().text() + " (not in the source's information_schema)");
            }
            List<MappingTranslator.TargetPlan> out = new ArrayList<>();
            for (TargetSpec tsp : ts.targets()) {
                MappingTranslator.TargetPlan p = target(ts, src, tsp);
                if (p != null) {
                    out.add(p);
                }
            }
            if (src != null) {
                plans.put(src.qualifiedName(), out.toArray(new MappingTranslator.TargetPlan[0]));
            }
        }
        if (!problems.isEmpty()) {
            problems.sort(Comparator.comparingInt(Problem::line).thenComparingInt(Problem::column));
            throw new MappingException(problems);
        }
        return new MappingTranslator(name, plans);
    }

    /** One produced target column. */
    private record Out(DbColumn column, String from, SqlType fromType, Conversions.Converter converter, Object fallback) { }

    private MappingTranslator.TargetPlan target(TableSpec ts, DbTable src, TargetSpec spec) throws SQLException {
        String schema = spec.schema() != null ? spec.schema() : (src != null ? src.schema() : ts.schema());
        DbTable tgt = target.table(schema, spec.table());
        Pos at = spec.name().pos();
        String tname = schema + "." + spec.table();
        if (tgt == null) {
            error(at, "unknown target table " + tname + " (not in the target's information_schema)");
            return null;
        }
        tname = tgt.qualifiedName();
        if (tgt.primaryKey().isEmpty()) {
            error(at, "target table " + tname + " has no primary key; a mapping writes rows by key");
        }
        Map<String, Out> produced = new HashMap<>(); // lower-case target column → how
        Set<String> mentioned = new HashSet<>();       // lower-case source columns used by from:
        Set<String> listed = new HashSet<>();          // lower-case target columns under columns: (even if wrong)
        for (ColumnSpec cs : spec.columns()) {
            String tcName = cs.target().text();
            listed.add(tcName.toLowerCase(Locale.ROOT));
            DbColumn tc = tgt.column(tcName);
            if (tc == null) {
                error(cs.target().pos(), "unknown target column " + tcName + " in " + tname);
                if (cs.from() != null) {
                    mentioned.add(cs.from().text().toLowerCase(Locale.ROOT));
                }
                continue;
            }
            if (!writable(tc, tname, cs.target().pos())) {
                continue;
            }
            if (cs.hasValue()) {
                Object v = literal(cs.value(), tc, tname);
                if (cs.value() == null || cs.value().isNull()) {
                    if (!tc.nullable()) {
                        error(cs.value() == null ? cs.target().pos() : cs.value().pos(),
                                "target column " + tname + "." + tc.name() + " is NOT NULL; the constant cannot be null");
                    }
                }
                produced.put(tc.name().toLowerCase(Locale.ROOT), new Out(tc, null, null, null, v));
                continue;
            }
            mentioned.add(cs.from().text().toLowerCase(Locale.ROOT));
            if (src == null) {
                continue;
            }
            DbColumn sc = src.column(cs.from().text());
            if (sc == null) {
                error(cs.from().pos(), "unknown source column " + cs.from().text() + " in " + src.qualifiedName());
                continue;
            }
            if (sc.type() == null) {
                error(cs.from().pos(), "source column " + src.qualifiedName() + "." + sc.name() + " has type "
                        + sc.columnType() + ", which mappings do not support");
                continue;
            }
            Conversions.Converter conv;
            try {
                conv = Conversions.plan(sc, tc, cs.convert() == null ? null : cs.convert().text(),
                        cs.charset() == null ? null : cs.charset().text());
            } catch (Conversions.Impossible e) {
                Pos p = cs.convert() != null ? cs.convert().pos() : cs.charset() != null ? cs.charset().pos() : cs.target().pos();
                error(p, "cannot convert source column " + src.qualifiedName() + "." + sc.name() + " (" + sc.columnType()
                        + ") to target column " + tname + "." + tc.name() + " (" + tc.columnType() + "): " + e.getMessage());
                continue;
            }
            Object def = cs.defaultValue() == null ? null : literal(cs.defaultValue(), tc, tname);
            if (!tc.nullable() && sc.nullable() && cs.defaultValue() == null) {
                error(cs.target().pos(), "target column " + tname + "." + tc.name() + " is NOT NULL but source column "
                        + src.qualifiedName() + "." + sc.name() + " can be NULL: add default: (the value for NULL)");
            }
            produced.put(tc.name().toLowerCase(Locale.ROOT), new Out(tc, sc.name(), sc.type(), conv, def));
        }
        Set<String> dropped = new HashSet<>();
        for (Scalar d : spec.drop()) {
            if (src != null && src.column(d.text()) == null) {
                error(d.pos(), "unknown source column " + d.text() + " in " + src.qualifiedName() + " (under drop:)");
            }
            dropped.add(d.text().toLowerCase(Locale.ROOT));
        }
        if (src == null) {
            return null;
        }
        if (spec.copyAll()) {
            for (DbColumn sc : src.columns()) {
                String key = sc.name().toLowerCase(Locale.ROOT);
                if (mentioned.contains(key) || dropped.contains(key)) {
                    continue;
                }
                String where = "source column " + src.qualifiedName() + "." + sc.name();
                DbColumn tc = tgt.column(sc.name());
                if (tc == null) {
                    error(at, where + " has no column of that name in " + tname
                            + ": map it under columns:, list it under drop:, or set copy: none");
                    continue;
                }
                if (produced.containsKey(key)) {
                    error(at, where + " is not mapped, and target column " + tname + "." + tc.name()
                            + " gets its value otherwise: list " + sc.name() + " under drop:");
                    continue;
                }
                if (!writable(tc, tname, at)) {
                    continue;
                }
                if (sc.type() == null || tc.type() == null) {
                    error(at, "cannot copy " + where + " (" + sc.columnType() + ") to " + tname + "." + tc.name() + " ("
                            + tc.columnType() + "): mappings do not support the type");
                    continue;
                }
                try {
                    Conversions.Converter conv = Conversions.plan(sc, tc, null, null);
                    if (!tc.nullable() && sc.nullable()) {
                        error(at, "target column " + tname + "." + tc.name() + " is NOT NULL but " + where
                                + " (copied by name) can be NULL: map it under columns: with a default:");
                    }
                    produced.put(key, new Out(tc, sc.name(), sc.type(), conv, null));
                } catch (Conversions.Impossible e) {
                    error(at, "cannot copy " + where + " (" + sc.columnType() + ") to " + tname + "." + tc.name() + " ("
                            + tc.columnType() + "): " + e.getMessage() + "; map it under columns: (convert:/charset:) or drop it");
                }
            }
        }
        for (String k : tgt.primaryKey()) {
            if (!produced.containsKey(k.toLowerCase(Locale.ROOT)) && !listed.contains(k.toLowerCase(Locale.ROOT))) {
                error(at, "primary-key column " + tname + "." + k + " gets no value from the mapping");
            }
        }
        for (DbColumn tc : tgt.columns()) {
            if (!tc.hasDefault() && !produced.containsKey(tc.name().toLowerCase(Locale.ROOT))
                    && !listed.contains(tc.name().toLowerCase(Locale.ROOT))
                    && !tgt.primaryKey().contains(tc.name())) {
                error(at, "target column " + tname + "." + tc.name() + " is NOT NULL without a default and gets no value"
                        + " from the mapping: map it under columns: (from: or value:)");
            }
        }
        Filter filter = spec.where() == null ? null : filter(spec.where(), src);
        // columns in the target table's order
        List<String> names = new ArrayList<>();
        List<Out> outs = new ArrayList<>();
        for (DbColumn tc : tgt.columns()) {
            Out o = produced.get(tc.name().toLowerCase(Locale.ROOT));
            if (o != null) {
                names.add(tc.name());
                outs.add(o);
            }
        }
        if (!problems.isEmpty()) {
            return null; // plans are only built for a clean file
        }
        int n = outs.size();
        String[] from = new String[n];
        SqlType[] types = new SqlType[n];
        Conversions.Converter[] conv = new Conversions.Converter[n];
        Object[] fallback = new Object[n];
        for (int i = 0; i < n; i++) {
            Out o = outs.get(i);
            from[i] = o.from();
            types[i] = o.fromType();
            conv[i] = o.converter();
            fallback[i] = o.fallback();
        }
        return new MappingTranslator.TargetPlan(new TargetTable(tgt.schema(), tgt.name(), names, tgt.primaryKey()),
                from, types, conv, fallback, filter);
    }

    private boolean writable(DbColumn tc, String tname, Pos at) {
        if (tc.type() == null) {
            error(at, "target column " + tname + "." + tc.name() + " has type " + tc.columnType()
                    + ", which mappings do not support");
            return false;
        }
        if (tc.generated()) {
            error(at, "target column " + tname + "." + tc.name() + " is generated; the server computes it");
            return false;
        }
        return true;
    }

    /** A literal of the file converted to a column's value type; reports and returns null if it does not fit. */
    private Object literal(Scalar s, DbColumn c, String table) {
        if (s == null || s.isNull()) {
            return null;
        }
        try {
            return Conversions.literal(c).convert(s.text());
        } catch (Conversions.Impossible | Conversions.ConversionFailure e) {
            error(s.pos(), "'" + s.text() + "' is not a value for " + table + "." + c.name() + " (" + c.columnType() + "): "
                    + e.getMessage());
            return null;
        }
    }

    private Filter filter(Cond c, DbTable src) {
        if (c instanceof Spec.All a) {
            return Filter.all(a.parts().stream().map(p -> filter(p, src)).toArray(Filter[]::new));
        }
        if (c instanceof Spec.Any a) {
            return Filter.any(a.parts().stream().map(p -> filter(p, src)).toArray(Filter[]::new));
        }
        Spec.Test t = (Spec.Test) c;
        DbColumn sc = src.column(t.column().text());
        if (sc == null) {
            error(t.column().pos(), "unknown source column " + t.column().text() + " in " + src.qualifiedName() + " (in where:)");
            return Filter.test(t.column().text(), t.op(), new Object[0]);
        }
        if (sc.type() == null) {
            error(t.column().pos(), "source column " + src.qualifiedName() + "." + sc.name() + " has type "
                    + sc.columnType() + ", which mappings do not support");
            return Filter.test(sc.name(), t.op(), new Object[0]);
        }
        Object[] values = new Object[t.values().size()];
        for (int i = 0; i < values.length; i++) {
            values[i] = literal(t.values().get(i), sc, src.qualifiedName());
        }
        return Filter.test(sc.name(), t.op(), values);
    }

    private void error(Pos p, String message) {
        problems.add(new Problem(file, p.line(), p.column(), message));
    }
}
