package io.paraverse.daemon.verify;

import io.paraverse.translator.Column;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** A row's key as canonical text per key column ({@link Canonical}): equal keys on both sides are equal here. */
record RowKey(List<String> parts) {
    RowKey {
        parts = java.util.Collections.unmodifiableList(new ArrayList<>(parts));
    }

    static RowKey of(List<Object> values, List<Column> keyColumns) {
        List<String> p = new ArrayList<>(values.size());
        for (int i = 0; i < values.size(); i++) {
            p.add(Canonical.of(values.get(i), keyColumns.get(i)));
        }
        return new RowKey(p);
    }

    /** Column name → shown value, for reports. */
    Map<String, String> named(List<String> names) {
        Map<String, String> m = new LinkedHashMap<>();
        for (int i = 0; i < parts.size(); i++) {
            m.put(names.get(i), Canonical.shown(parts.get(i)));
        }
        return m;
    }

    /** A 64-bit hash of the key (FNV-1a over the parts), for the set of expected target keys. */
    long hash64() {
        long h = 0xcbf29ce484222325L;
        for (String p : parts) {
            String s = p == null ? "\u0000NULL" : p;
            for (int i = 0; i < s.length(); i++) {
                h ^= s.charAt(i);
                h *= 0x100000001b3L;
            }
            h ^= 0x1f;
            h *= 0x100000001b3L;
        }
        return h;
    }
}
