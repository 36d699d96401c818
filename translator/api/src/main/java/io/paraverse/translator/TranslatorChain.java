package io.paraverse.translator;

import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;

/**
 * The translator a pipeline runs: routes each change to the one selected translator that claims its table, produces
 * no ops for the tables configured as dropped, and copies every other table unchanged ({@link IdentityTranslator}).
 *
 * <h2>Claims</h2>
 * Translators claim tables with {@link Translator#sourceTables()} patterns: {@code "schema.table"},
 * {@code "schema.*"} (every table of the schema) or {@code "*.*"} (every table). A table claimed by two translators,
 * or dropped and claimed, is a {@link TranslatorConfigurationException} naming both: a change must never be written
 * twice or by whichever translator happens to come first. With these patterns every overlap shows at
 * {@link Builder#build()}; routing checks each table again at its first change all the same.
 *
 * <h2>Dropping</h2>
 * Dropping is explicit: a table the new schema no longer has is listed with {@link Builder#drop}, otherwise the
 * identity translator would write it to a table that is missing. Dropped changes are counted
 * ({@link #droppedChanges()}).
 *
 * <p>The route is computed once per {@link TableDef} and cached, so the per-row cost is one hash lookup.
 */
public final class TranslatorChain implements Translator {
    public static final String NAME = "chain";

    private final List<Claim> claims;
    private final Set<String> droppedPatterns;
    private final Translator fallback;
    private final ConcurrentHashMap<TableDef, Route> routes = new ConcurrentHashMap<>();
    private final ConcurrentHashMap<String, LongAdder> droppedByTable = new ConcurrentHashMap<>();

    /** Where a table's changes go: a translator, or nowhere (dropped, counted in {@code dropped}). */
    private record Route(Translator translator, LongAdder dropped) { }

    /** One pattern claimed by a translator ({@code translator} null: dropped by configuration). */
    private record Claim(TablePattern pattern, Translator translator) {
        String owner() {
            return translator == null ? "the drop list" : "translator '" + translator.name() + "' ("
                    + translator.getClass().getName() + ")";
        }
    }

    private TranslatorChain(List<Claim> claims, Set<String> droppedPatterns, Translator fallback) {
        this.claims = List.copyOf(claims);
        this.droppedPatterns = Set.copyOf(droppedPatterns);
        this.fallback = fallback;
    }

    public static Builder builder() {
        return new Builder();
    }

    /** A chain of {@code translators}, dropping {@code dropTables}, identity for the rest. */
    public static TranslatorChain of(Collection<? extends Translator> translators, Collection<String> dropTables) {
        return builder().translators(translators).drop(dropTables).build();
    }

    @Override
    public String name() { return NAME; }

    /** A schema change passes when a selected translator accepts it (identity for unclaimed tables never does). */
    @Override
    public boolean acceptsSchemaChange(SchemaChange change) {
        for (Claim c : claims) {
            if (c.translator().acceptsSchemaChange(change)) {
                return true;
            }
        }
        return false;
    }

    /** Every table: what no translator claims is copied as it is. */
    @Override
    public Set<String> sourceTables() { return Set.of("*.*"); }

    @Override
    public List<TargetOp> translate(RowChange change, TranslationContext ctx) {
        TableDef def = change.table();
        Route r = routes.get(def);
        if (r == null) {
            r = routes.computeIfAbsent(def, d -> route(d.schema(), d.table()));
        }
        if (r.translator == null) {
            r.dropped.increment();
            return List.of();
        }
        return r.translator.translate(change, ctx);
    }

    /** The translator for a source table: a claiming translator, the identity translator, or null if dropped. */
    public Translator translatorFor(String schema, String table) {
        Claim owner = ownerOf(schema, table);
        return owner == null ? fallback : owner.translator;
    }

    /** The drop patterns configured. */
    public Set<String> droppedTables() {
        return droppedPatterns;
    }

    /** Changes dropped so far, over all dropped tables. */
    public long droppedChanges() {
        long n = 0;
        for (LongAdder a : droppedByTable.values()) {
            n += a.sum();
        }
        return n;
    }

    /** Changes dropped so far per source table ("schema.table"), for tables that had any. */
    public Map<String, Long> droppedChangesByTable() {
        Map<String, Long> out = new LinkedHashMap<>();
        droppedByTable.forEach((t, a) -> out.put(t, a.sum()));
        return out;
    }

    private Route route(String schema, String table) {
        Claim owner = ownerOf(schema, table);
        if (owner == null) {
            return new Route(fallback, null);
        }
        if (owner.translator == null) {
            return new Route(null, droppedByTable.computeIfAbsent(schema + "." + table, k -> new LongAdder()));
        }
        return new Route(owner.translator, null);
    }

    private Claim ownerOf(String schema, String table) {
        Claim owner = null;
        for (Claim c : claims) {
            if (c.pattern.matches(schema, table)) {
                if (owner != null && owner.translator != c.translator) { // build() rejects these; never route silently
                    throw new TranslatorConfigurationException("source table " + schema + "." + table + " is claimed by "
                            + owner.owner() + " as '" + owner.pattern + "' and by " + c.owner() + " as '" + c.pattern + "'");
                }
                owner = c;
            }
        }
        return owner;
    }

    /** Collects translators and drop patterns; {@link #build()} checks that no table is claimed twice. */
    public static final class Builder {
        private final List<Translator> translators = new ArrayList<>();
        private final Set<String> drop = new LinkedHashSet<>();
        private Translator fallback = new IdentityTranslator();

        private Builder() { }

        public Builder translator(Translator t) {
            translators.add(Objects.requireNonNull(t, "translator"));
            return this;
        }

        public Builder translators(Collection<? extends Translator> ts) {
            ts.forEach(this::translator);
            return this;
        }

        /** Source tables whose changes produce no ops: "schema.table", "schema.*". */
        public Builder drop(String... tables) {
            return drop(List.of(tables));
        }

        public Builder drop(Collection<String> tables) {
            tables.forEach(t -> drop.add(Objects.requireNonNull(t, "dropped table")));
            return this;
        }

        /** What unclaimed tables get (default: {@link IdentityTranslator}). */
        public Builder unclaimed(Translator t) {
            this.fallback = Objects.requireNonNull(t, "translator");
            return this;
        }

        public TranslatorChain build() {
            List<Claim> claims = new ArrayList<>();
            List<String> problems = new ArrayList<>();
            Set<String> names = new LinkedHashSet<>();
            for (Translator t : translators) {
                if (!names.add(t.name())) {
                    problems.add("translator '" + t.name() + "' is selected twice");
                    continue;
                }
                Set<String> tables = t.sourceTables();
                if (tables == null || tables.isEmpty()) {
                    problems.add("translator '" + t.name() + "' (" + t.getClass().getName() + ") claims no source tables");
                    continue;
                }
                for (String p : tables) {
                    add(claims, problems, p, t);
                }
            }
            for (String p : drop) {
                add(claims, problems, p, null);
            }
            for (int i = 0; i < claims.size(); i++) {
                for (int j = i + 1; j < claims.size(); j++) {
                    Claim a = claims.get(i);
                    Claim b = claims.get(j);
                    if (a.translator != b.translator && a.pattern.overlaps(b.pattern)) {
                        problems.add((a.pattern.equals(b.pattern) ? "source table(s) '" + a.pattern + "'"
                                : "'" + a.pattern + "' and '" + b.pattern + "' overlap: source tables")
                                + " claimed by " + a.owner() + " and by " + b.owner());
                    }
                }
            }
            if (!problems.isEmpty()) {
                throw new TranslatorConfigurationException("invalid translator selection:\n  " + String.join("\n  ", problems));
            }
            return new TranslatorChain(claims, drop, fallback);
        }

        private static void add(List<Claim> claims, List<String> problems, String pattern, Translator t) {
            try {
                claims.add(new Claim(TablePattern.parse(pattern), t));
            } catch (IllegalArgumentException e) {
                problems.add((t == null ? "drop list" : "translator '" + t.name() + "'") + ": " + e.getMessage());
            }
        }
    }

    /** "schema.table", "schema.*" or "*.*" (null part = any). */
    private record TablePattern(String schema, String table) {
        static TablePattern parse(String p) {
            int dot = p.indexOf('.');
            if (dot <= 0 || dot == p.length() - 1 || p.indexOf('.', dot + 1) >= 0) {
                throw new IllegalArgumentException("'" + p + "' is not schema.table, schema.* or *.*");
            }
            String s = p.substring(0, dot);
            String t = p.substring(dot + 1);
            if (s.equals("*") && !t.equals("*")) {
                throw new IllegalArgumentException("'" + p + "': a table in any schema is not supported (use schema.table)");
            }
            if ((!s.equals("*") && s.contains("*")) || (!t.equals("*") && t.contains("*"))) {
                throw new IllegalArgumentException("'" + p + "': '*' stands only for a whole name (schema.* or *.*)");
            }
            return new TablePattern(s.equals("*") ? null : s, t.equals("*") ? null : t);
        }

        boolean matches(String s, String t) {
            return (schema == null || schema.equals(s)) && (table == null || table.equals(t));
        }

        /** Some table matches both (decidable for these patterns: each part is a name or "any"). */
        boolean overlaps(TablePattern o) {
            return (schema == null || o.schema == null || schema.equals(o.schema))
                    && (table == null || o.table == null || table.equals(o.table));
        }

        @Override
        public String toString() {
            return (schema == null ? "*" : schema) + "." + (table == null ? "*" : table);
        }
    }
}
