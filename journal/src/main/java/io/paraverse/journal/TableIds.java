package io.paraverse.journal;

import io.paraverse.translator.TableDef;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;

/**
 * The table ids of one segment: 0, 1, 2, ... in the order their TABLE records were written. Definitions added by
 * the open transaction can be rolled back, since discarding the transaction truncates their TABLE records too.
 */
final class TableIds {
    /** Capture normally shares one TableDef per table version; if it does not, this cache must not grow forever. */
    private static final int IDENTITY_CACHE_LIMIT = 4096;

    private final List<TableDef> byId = new ArrayList<>();
    private final Map<TableDef, Integer> byValue = new HashMap<>();
    private final Map<TableDef, Integer> byIdentity = new IdentityHashMap<>();
    private int committedCount;

    TableIds(List<TableDef> existing) {
        for (TableDef def : existing) {
            register(def);
        }
        committedCount = byId.size();
    }

    /** The id of {@code def}, or -1 if this segment has not defined it; cheap for the same instance. */
    int idOf(TableDef def) {
        Integer id = byIdentity.get(def);
        if (id == null) {
            id = byValue.get(def); // TableDef.hashCode is not cached: only on a new instance
            if (id == null) {
                return -1;
            }
            if (byIdentity.size() >= IDENTITY_CACHE_LIMIT) {
                byIdentity.clear();
            }
            byIdentity.put(def, id);
        }
        return id;
    }

    /** The id the next registered table gets. */
    int nextId() {
        return byId.size();
    }

    int register(TableDef def) {
        int id = byId.size();
        byId.add(def);
        byValue.put(def, id);
        byIdentity.put(def, id);
        return id;
    }

    /** The open transaction committed: its tables stay defined. */
    void commit() {
        committedCount = byId.size();
    }

    /** The open transaction was discarded: forget the tables it defined. */
    void rollback() {
        if (byId.size() == committedCount) {
            return;
        }
        while (byId.size() > committedCount) {
            byValue.remove(byId.remove(byId.size() - 1));
        }
        byIdentity.clear();
    }
}
