package io.paraverse.daemon.pipeline;

import io.paraverse.translator.RowChange;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The source keys changed most recently (bounded; the oldest fall out), per table. The cutover verifies exactly these
 * rows after the drain: they are the ones most likely to differ if anything went wrong in the last seconds.
 */
public final class RecentKeys {
    /** One changed row: its table and primary key values, in key order. */
    public record Key(String schema, String table, List<Object> values) { }

    private final int capacity;
    private final LinkedHashMap<Key, Boolean> keys;

    public RecentKeys(int capacity) {
        this.capacity = capacity;
        this.keys = new LinkedHashMap<>(Math.min(capacity, 1 << 16), 0.75f, true) {
            @Override
            protected boolean removeEldestEntry(Map.Entry<Key, Boolean> eldest) {
                return size() > RecentKeys.this.capacity;
            }
        };
    }

    void record(RowChange change) {
        if (capacity == 0 || !change.table().hasPrimaryKey()) {
            return;
        }
        int[] idx = change.table().keyIndexes();
        Object[] values = new Object[idx.length];
        for (int i = 0; i < idx.length; i++) {
            Object v = change.latest(idx[i]);
            values[i] = v instanceof byte[] b ? new ByteKey(b) : v;
        }
        Key k = new Key(change.table().schema(), change.table().table(), Arrays.asList(values));
        synchronized (keys) {
            keys.put(k, Boolean.TRUE);
        }
    }

    /** The recorded keys, oldest first (at most {@code limit}, the most recent ones). */
    public List<Key> latest(int limit) {
        synchronized (keys) {
            List<Key> all = new ArrayList<>(keys.keySet());
            return all.subList(Math.max(0, all.size() - limit), all.size());
        }
    }

    /** A binary key value with value equality (so the same key is recorded once). */
    public record ByteKey(byte[] bytes) {
        @Override
        public boolean equals(Object o) {
            return o instanceof ByteKey b && Arrays.equals(bytes, b.bytes);
        }

        @Override
        public int hashCode() {
            return Arrays.hashCode(bytes);
        }

        @Override
        public String toString() {
            return "0x" + java.util.HexFormat.of().formatHex(bytes);
        }
    }
}
