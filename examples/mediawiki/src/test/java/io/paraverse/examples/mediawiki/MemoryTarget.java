package io.paraverse.examples.mediawiki;

import io.paraverse.translator.IdAllocator;
import io.paraverse.translator.IdMap;
import io.paraverse.translator.TargetOp;
import io.paraverse.translator.TargetTable;
import io.paraverse.translator.TranslationContext;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.TreeMap;

/**
 * A tiny in-memory target for unit tests: tables of rows keyed by their key values, the translator's id maps and
 * allocators (seeded from the tables like the applier's), lookups, and {@link #apply} for the ops a translator
 * returns. Not thread-safe.
 */
class MemoryTarget implements TranslationContext {
    private final Map<String, TreeMap<List<Object>, Map<String, Object>>> tables = new HashMap<>();
    private final Map<String, Map<String, Long>> idMaps = new HashMap<>();
    private final Map<String, Long> allocators = new HashMap<>();

    @Override
    public Map<String, String> config() { return Map.of(); }

    /** Rows of {@code schema.table}, keyed by their key values. */
    TreeMap<List<Object>, Map<String, Object>> table(String qualified) {
        return tables.computeIfAbsent(qualified, k -> new TreeMap<>(MemoryTarget::compareKeys));
    }

    /** Adds a row directly (the state the upgrade left). */
    void put(String qualified, String keyColumn, Map<String, Object> row) {
        table(qualified).put(List.of(norm(row.get(keyColumn))), new LinkedHashMap<>(row));
    }

    Map<String, Object> row(String qualified, long id) {
        return table(qualified).get(List.of(id));
    }

    void apply(List<TargetOp> ops) {
        for (TargetOp op : ops) {
            TargetTable t = op.table();
            TreeMap<List<Object>, Map<String, Object>> rows = table(t.qualifiedName());
            List<Object> key = normKey(op.keyValues());
            if (op instanceof TargetOp.Upsert u) {
                Map<String, Object> row = rows.computeIfAbsent(key, k -> new LinkedHashMap<>());
                for (int i = 0; i < t.columns().size(); i++) {
                    row.put(t.columns().get(i), norm(u.values().get(i)));
                }
            } else if (op instanceof TargetOp.Update u) {
                Map<String, Object> row = rows.get(key);
                if (row != null) {
                    for (int i = 0; i < t.columns().size(); i++) {
                        row.put(t.columns().get(i), norm(u.values().get(i)));
                    }
                }
            } else {
                rows.remove(key);
            }
        }
    }

    @Override
    public IdMap idMap(String name) {
        Map<String, Long> m = idMaps.computeIfAbsent(name, k -> new HashMap<>());
        return new IdMap() {
            @Override public OptionalLong get(String k) {
                Long v = m.get(k);
                return v == null ? OptionalLong.empty() : OptionalLong.of(v);
            }
            @Override public void put(String k, long id) { m.put(k, id); }
            @Override public void remove(String k) { m.remove(k); }
        };
    }

    Map<String, Long> idMapContents(String name) {
        return Map.copyOf(idMaps.getOrDefault(name, Map.of()));
    }

    @Override
    public long allocate(IdAllocator a) {
        Long next = allocators.get(a.name());
        if (next == null) {
            long max = 0;
            for (Map<String, Object> row : table(a.seedTable()).values()) {
                Object v = row.get(a.seedColumn());
                if (v instanceof Long l) {
                    max = Math.max(max, l);
                }
            }
            next = max + 1;
        }
        allocators.put(a.name(), next + 1);
        return next;
    }

    @Override
    public Optional<List<Object>> lookup(TargetTable table, List<Object> keyValues) {
        Map<String, Object> row = table(table.qualifiedName()).get(normKey(keyValues));
        if (row == null) {
            return Optional.empty();
        }
        List<Object> out = new ArrayList<>();
        for (String c : table.columns()) {
            out.add(row.get(c));
        }
        return Optional.of(out);
    }

    private static List<Object> normKey(List<Object> k) {
        List<Object> out = new ArrayList<>(k.size());
        for (Object o : k) {
            out.add(norm(o));
        }
        return out;
    }

    private static Object norm(Object o) {
        return o instanceof Integer i ? (Object) i.longValue() : o;
    }

    @SuppressWarnings({"unchecked", "rawtypes"})
    private static int compareKeys(List<Object> a, List<Object> b) {
        for (int i = 0; i < Math.min(a.size(), b.size()); i++) {
            int c = ((Comparable) a.get(i)).compareTo(b.get(i));
            if (c != 0) {
                return c;
            }
        }
        return Integer.compare(a.size(), b.size());
    }
}
