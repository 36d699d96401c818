package io.paraverse.translator.testkit;

import io.paraverse.translator.IdAllocator;
import io.paraverse.translator.IdMap;
import io.paraverse.translator.TargetOp;
import io.paraverse.translator.TargetTable;
import io.paraverse.translator.TranslationContext;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * A {@link TranslationContext} with working id maps, id allocators and lookups, all in memory, so translator tests
 * need no database. Lookups are answered from an in-memory picture of the target: the rows given with
 * {@link #targetRow} plus every op {@link #apply applied} since ({@link TranslatorRunner} applies the ops of each
 * change before translating the next, as the applier does). Columns no op ever wrote read as null.
 * Not thread-safe (translators run on one thread).
 */
public final class InMemoryContext implements TranslationContext {
    private final Map<String, String> config = new LinkedHashMap<>();
    private final Map<String, String> schemas = new HashMap<>();
    private final Map<String, Map<String, Long>> idMaps = new HashMap<>();
    private final Map<String, Long> nextIds = new HashMap<>();
    private final Map<String, List<Map<String, Object>>> tables = new LinkedHashMap<>();

    public InMemoryContext config(String key, String value) {
        config.put(key, value);
        return this;
    }

    public InMemoryContext config(Map<String, String> values) {
        config.putAll(values);
        return this;
    }

    /** Changes of source schema {@code source} go to target schema {@code target}. */
    public InMemoryContext schema(String source, String target) {
        schemas.put(source, target);
        return this;
    }

    /** The next value {@link #allocate} returns for the allocator called {@code allocator}. */
    public InMemoryContext nextId(String allocator, long next) {
        nextIds.put(allocator, next);
        return this;
    }

    /** A row the target holds before the first change (e.g. written by the clone), as column → value. */
    public InMemoryContext targetRow(String qualifiedTable, Map<String, Object> row) {
        tables.computeIfAbsent(qualifiedTable, k -> new ArrayList<>()).add(new LinkedHashMap<>(row));
        return this;
    }

    @Override
    public Map<String, String> config() {
        return Collections.unmodifiableMap(config);
    }

    @Override
    public String targetSchema(String sourceSchema) {
        return schemas.getOrDefault(sourceSchema, sourceSchema);
    }

    @Override
    public IdMap idMap(String name) {
        Map<String, Long> m = idMaps.computeIfAbsent(name, k -> new LinkedHashMap<>());
        return new IdMap() {
            @Override public OptionalLong get(String sourceKey) {
                Long v = m.get(sourceKey);
                return v == null ? OptionalLong.empty() : OptionalLong.of(v);
            }
            @Override public void put(String sourceKey, long targetId) { m.put(sourceKey, targetId); }
            @Override public void remove(String sourceKey) { m.remove(sourceKey); }
        };
    }

    /** The contents of id map {@code name} (empty if never used), for assertions. */
    public Map<String, Long> idMapEntries(String name) {
        return Map.copyOf(idMaps.getOrDefault(name, Map.of()));
    }

    /**
     * The next id: on first use one above the largest {@code seedTable.seedColumn} the in-memory target holds, or
     * the value set with {@link #nextId}.
     */
    @Override
    public long allocate(IdAllocator allocator) {
        Long next = nextIds.get(allocator.name());
        if (next == null) {
            long largest = 0;
            for (Map<String, Object> row : tables.getOrDefault(allocator.seedTable(), List.of())) {
                if (row.get(allocator.seedColumn()) instanceof Number n) {
                    largest = Math.max(largest, n.longValue());
                }
            }
            next = largest + 1;
        }
        nextIds.put(allocator.name(), next + 1);
        return next;
    }

    @Override
    public Optional<List<Object>> lookup(TargetTable table, List<Object> keyValues) {
        Map<String, Object> row = find(table.qualifiedName(), table.key(), keyValues);
        if (row == null) {
            return Optional.empty();
        }
        Object[] out = new Object[table.columns().size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = copy(row.get(table.columns().get(i)));
        }
        return Optional.of(Arrays.asList(out));
    }

    /** Applies ops to the in-memory target as the applier would write them to the real one. */
    public void apply(List<? extends TargetOp> ops) {
        for (TargetOp op : ops) {
            String t = op.table().qualifiedName();
            List<String> key = op.table().key();
            Map<String, Object> row = find(t, key, op.keyValues());
            if (op instanceof TargetOp.Delete) {
                if (row != null) {
                    tables.get(t).remove(row);
                }
                continue;
            }
            List<Object> values = op instanceof TargetOp.Upsert u ? u.values() : ((TargetOp.Update) op).values();
            if (row == null) {
                if (op instanceof TargetOp.Update) {
                    continue; // an update of a missing row writes nothing
                }
                row = new LinkedHashMap<>();
                tables.computeIfAbsent(t, k -> new ArrayList<>()).add(row);
            }
            for (int i = 0; i < values.size(); i++) {
                row.put(op.table().columns().get(i), copy(values.get(i))); // upsert: replaces the listed columns
            }
        }
    }

    /** The rows of a target table ("schema.table") in insertion order, as column → value (copies). */
    public List<Map<String, Object>> rows(String qualifiedTable) {
        List<Map<String, Object>> out = new ArrayList<>();
        for (Map<String, Object> r : tables.getOrDefault(qualifiedTable, List.of())) {
            Map<String, Object> c = new LinkedHashMap<>();
            r.forEach((k, v) -> c.put(k, copy(v)));
            out.add(Collections.unmodifiableMap(c));
        }
        return out;
    }

    private Map<String, Object> find(String table, List<String> key, List<Object> keyValues) {
        for (Map<String, Object> row : tables.getOrDefault(table, List.of())) {
            boolean match = true;
            for (int i = 0; i < key.size() && match; i++) {
                match = sameValue(row.get(key.get(i)), keyValues.get(i));
            }
            if (match) {
                return row;
            }
        }
        return null;
    }

    /** Equal as the target would compare them: numbers by value, bytes by content. */
    static boolean sameValue(Object a, Object b) {
        if (a == null || b == null) {
            return a == b;
        }
        if (a instanceof byte[] x && b instanceof byte[] y) {
            return Arrays.equals(x, y);
        }
        if (a instanceof Number x && b instanceof Number y && !(a instanceof Double || a instanceof Float
                || b instanceof Double || b instanceof Float)) {
            return decimal(x).compareTo(decimal(y)) == 0;
        }
        return a.equals(b);
    }

    private static BigDecimal decimal(Number n) {
        return n instanceof BigDecimal d ? d : n instanceof BigInteger i ? new BigDecimal(i) : BigDecimal.valueOf(n.longValue());
    }

    private static Object copy(Object v) {
        return v instanceof byte[] b ? b.clone() : v;
    }
}
