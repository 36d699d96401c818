package io.paraverse.applier;

import io.paraverse.translator.TargetTable;

import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.List;

/**
 * The {@link Shape} of each target table the translator names, and the {@link PhysicalTable} it writes to. Looked
 * up per op, so the same {@link TargetTable} instance is found by identity first. Apply thread only.
 */
final class ShapeCache {
    private static final int IDENTITY_CACHE_LIMIT = 4096;

    private final int maxStatementRows;
    private final IdentityHashMap<TargetTable, Shape> shapesByIdentity = new IdentityHashMap<>();
    private final HashMap<TargetTable, Shape> shapes = new HashMap<>();
    private final HashMap<List<String>, PhysicalTable> tables = new HashMap<>();

    ShapeCache(int maxStatementRows) {
        this.maxStatementRows = maxStatementRows;
    }

    /** Forgets everything learned about the target's tables (they may have changed since the last run). */
    void clear() {
        shapesByIdentity.clear();
        shapes.clear();
        tables.clear();
    }

    Shape shape(TargetTable t) {
        Shape s = shapesByIdentity.get(t);
        if (s != null) {
            return s;
        }
        s = shapes.get(t);
        if (s == null) {
            PhysicalTable phys = tables.computeIfAbsent(List.of(t.schema(), t.table()),
                    k -> new PhysicalTable(t.schema(), t.table()));
            s = new Shape(t, phys, maxStatementRows);
            shapes.put(t, s);
        }
        if (shapesByIdentity.size() >= IDENTITY_CACHE_LIMIT) {
            shapesByIdentity.clear(); // a translator that makes a new TargetTable per op: do not grow without bound
        }
        shapesByIdentity.put(t, s);
        return s;
    }
}
