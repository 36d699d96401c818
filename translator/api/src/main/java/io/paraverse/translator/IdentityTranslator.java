package io.paraverse.translator;

import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Copies a change to the same table on the target (in the schema {@link TranslationContext#targetSchema} maps
 * to): inserts and updates become upserts of the full after image, deletes become deletes by primary key, and
 * an update that changes the primary key deletes the old key first.
 */
public final class IdentityTranslator extends AbstractTranslator {
    public static final String NAME = "identity";

    private final ConcurrentHashMap<TargetKey, TargetTable> tables = new ConcurrentHashMap<>();

    private record TargetKey(TableDef source, String targetSchema) { }

    @Override
    public String name() { return NAME; }

    @Override
    public Set<String> sourceTables() { return Set.of("*.*"); }

    @Override
    public List<TargetOp> translate(RowChange change, TranslationContext ctx) {
        TableDef def = change.table();
        if (!def.hasPrimaryKey()) {
            throw new TranslationException("table " + def.qualifiedName() + " has no primary key; the identity translator"
                    + " needs one to write idempotently (add a primary key on the source, or map the table with a translator)",
                    change);
        }
        TargetTable target = tables.computeIfAbsent(new TargetKey(def, ctx.targetSchema(def.schema())),
                k -> new TargetTable(k.targetSchema(), def.table(),
                        def.columns().stream().map(Column::name).toList(), def.primaryKey()));
        int n = def.columns().size();
        switch (change.op()) {
            case INSERT:
                return List.of(new TargetOp.Upsert(target, image(change, n, false)));
            case DELETE:
                return List.of(new TargetOp.Delete(target, key(change, def, true)));
            default:
                List<Object> oldKey = key(change, def, true);
                TargetOp.Upsert up = new TargetOp.Upsert(target, image(change, n, false));
                if (keysEqual(oldKey, key(change, def, false))) {
                    return List.of(up);
                }
                return List.of(new TargetOp.Delete(target, oldKey), up);
        }
    }

    private static List<Object> image(RowChange c, int n, boolean before) {
        Object[] v = new Object[n];
        for (int i = 0; i < n; i++) {
            v[i] = before ? c.before(i) : c.after(i);
        }
        return java.util.Arrays.asList(v);
    }

    private static List<Object> key(RowChange c, TableDef def, boolean before) {
        int[] idx = def.keyIndexes();
        Object[] k = new Object[idx.length];
        for (int i = 0; i < idx.length; i++) {
            k[i] = before ? c.before(idx[i]) : c.after(idx[i]);
        }
        return java.util.Arrays.asList(k);
    }

    private static boolean keysEqual(List<Object> a, List<Object> b) {
        for (int i = 0; i < a.size(); i++) {
            if (!java.util.Objects.deepEquals(a.get(i), b.get(i))) {
                return false;
            }
        }
        return true;
    }
}
