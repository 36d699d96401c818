package io.paraverse.applier;

import java.text.Normalizer;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * The target keys a batch of ops writes, for the parallel apply scheduler ({@link ApplyScheduler}): two batches
 * whose write-sets share a key must be applied in journal order; batches with disjoint write-sets may commit in any
 * order. A write-set may claim more than the batch writes (that costs parallelism, never correctness), never less:
 * <ul>
 *   <li>a table whose op key is its only unique index ({@link Shape#compactable()}): one key per row, (table, op
 *   key); string parts are folded (case, accents, trailing spaces) so keys that a case- or accent-insensitive
 *   collation makes equal ('a' and 'A ') fall on the same write-set key;</li>
 *   <li>a table with other UNIQUE indexes: the whole table is one key (an upsert can meet another row through a
 *   secondary unique key, so all its transactions keep journal order, as the single-threaded writer does).</li>
 * </ul>
 */
final class WriteSet {
    private static final Object WHOLE_TABLE = new Object() {
        @Override
        public String toString() { return "*"; }
    };

    /** Table as lower-case `schema.table` (two spellings of one table on a case-insensitive server meet). */
    private record Key(String table, Object key) { }

    private WriteSet() { }

    /** The write-set of ops [0, n); shapes must be checked. */
    static Set<Object> of(List<PendingOp> ops, int n) {
        HashSet<Object> keys = new HashSet<>(Math.max(16, n * 2));
        for (int i = 0; i < n; i++) {
            keys.add(keyOf(ops.get(i)));
        }
        return keys;
    }

    static Object keyOf(PendingOp p) {
        String table = p.shape.phys.qualified.toLowerCase(Locale.ROOT);
        if (!p.shape.compactable()) {
            return new Key(table, WHOLE_TABLE);
        }
        List<Object> values = p.op.keyValues();
        if (values.size() > 1) {
            values = byColumnName(p.shape.target.key(), values); // shapes may list the same key columns in another order
        }
        return new Key(table, fold(values));
    }

    private static List<Object> byColumnName(List<String> columns, List<Object> values) {
        Integer[] order = new Integer[columns.size()];
        for (int i = 0; i < order.length; i++) {
            order[i] = i;
        }
        java.util.Arrays.sort(order, (a, b) -> columns.get(a).compareToIgnoreCase(columns.get(b)));
        Object[] sorted = new Object[order.length];
        for (int i = 0; i < order.length; i++) {
            sorted[i] = values.get(order[i]);
        }
        return java.util.Arrays.asList(sorted);
    }

    /** Key values with strings folded to a form that every usual collation's equal strings share. */
    static Object fold(List<Object> keyValues) {
        boolean strings = false;
        for (Object v : keyValues) {
            strings |= v instanceof String;
        }
        if (!strings) {
            return Values.key(keyValues);
        }
        Object[] parts = new Object[keyValues.size()];
        for (int i = 0; i < parts.length; i++) {
            Object v = keyValues.get(i);
            parts[i] = v instanceof String str ? foldString(str) : Values.keyPart(v);
        }
        return java.util.Arrays.asList(parts);
    }

    static String foldString(String s) {
        String d = Normalizer.normalize(s, Normalizer.Form.NFKD);
        StringBuilder sb = new StringBuilder(d.length());
        for (int i = 0; i < d.length(); i++) {
            char c = d.charAt(i);
            int type = Character.getType(c);
            if (type == Character.NON_SPACING_MARK || type == Character.COMBINING_SPACING_MARK
                    || type == Character.ENCLOSING_MARK || type == Character.FORMAT) {
                continue; // accents and ignorables
            }
            sb.append(c);
        }
        String out = sb.toString().toLowerCase(Locale.ROOT).replace("ß", "ss");
        int end = out.length();
        while (end > 0 && out.charAt(end - 1) == ' ') {
            end--; // PAD SPACE collations ignore trailing spaces
        }
        return out.substring(0, end);
    }
}
