package io.paraverse.applier;

import io.paraverse.translator.IdAllocator;
import io.paraverse.translator.IdMap;
import io.paraverse.translator.TargetTable;
import io.paraverse.translator.TranslationContext;

import java.sql.SQLException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * The applier's {@link TranslationContext}: configuration and schema map from the caller's context, id maps and
 * allocators stored by {@link IdMapStore}, and lookups by {@link RowLookup}.
 * <p>
 * Reads come from memory: a map is loaded whole on its first use in a run, an allocator's value once. Changes are
 * kept in order, each tagged with the journal seq of the row whose translation made it; a target commit up to a
 * source commit writes (net effect per key) exactly the changes of the rows it covers, in the same transaction as
 * their ops and the checkpoint, and only then folds them into the cache. A dropped batch discards them, so the
 * replayed rows see exactly the state they saw the first time and allocate the same ids. Apply thread only.
 */
final class PersistentContext implements TranslationContext, BatchPart {
    private final TranslationContext base;
    private final IdMapStore store;
    private final TargetReader reader;
    private final RowLookup lookups;
    /** Makes every buffered op visible in the apply transaction (before reading the target's tables). */
    private final Runnable flush;

    private final HashMap<String, MapView> maps = new HashMap<>();
    /** Next value per allocator as committed on the target. */
    private final HashMap<String, Long> allocators = new HashMap<>();

    /** A change: a mapping ({@code map} set; {@code value} null: removed) or an allocator's next value. */
    private record Change(long seq, String map, String key, Long value) { }

    private record Slot(String map, String key) { }

    /** Uncommitted changes in order (seqs never decrease), and the latest per slot (for reads). */
    private final ArrayList<Change> pending = new ArrayList<>();
    private final HashMap<Slot, Change> latest = new HashMap<>();
    private long rowSeq;

    PersistentContext(TranslationContext base, IdMapStore store, TargetReader reader, RowLookup lookups, Runnable flush) {
        this.base = Objects.requireNonNull(base, "context");
        this.store = store;
        this.reader = reader;
        this.lookups = lookups;
        this.flush = flush;
    }

    /** Forgets the cache: the next run reads the target again (it may have been changed in between). */
    void clear() {
        maps.clear();
        allocators.clear();
        discard();
    }

    /** The journal seq of the row about to be translated (changes are tagged with it). */
    void beginRow(long seq) {
        rowSeq = seq;
    }

    @Override
    public Map<String, String> config() { return base.config(); }

    @Override
    public String targetSchema(String sourceSchema) { return base.targetSchema(sourceSchema); }

    @Override
    public IdMap idMap(String name) {
        MapView m = maps.get(name);
        if (m == null) {
            if (name == null || name.isEmpty() || name.length() > 191) {
                throw new IllegalArgumentException("id map name must be 1-191 characters, got " + name);
            }
            m = new MapView(name);
            maps.put(name, m);
        }
        return m;
    }

    @Override
    public long allocate(IdAllocator allocator) {
        String name = allocator.name();
        Change c = pending.isEmpty() ? null : latest.get(new Slot(null, name));
        long next;
        if (c != null) {
            next = c.value();
        } else {
            Long stored = allocators.get(name);
            if (stored == null) {
                OptionalLong row = reader.read("id allocator " + name, s -> store.loadAllocator(s.connection, name));
                if (row.isPresent()) {
                    stored = row.getAsLong();
                    allocators.put(name, stored);
                } else {
                    // first use: seed from the target as the ops of every earlier change left it; not cached until
                    // committed, so a replay seeds again from the same state
                    flush.run();
                    stored = reader.read("the seed of id allocator " + name + " (" + allocator.seedTable() + "."
                            + allocator.seedColumn() + ")",
                            s -> IdMapStore.seed(s.connection, allocator.seedTable(), allocator.seedColumn()));
                }
            }
            next = stored;
        }
        record(new Change(rowSeq, null, name, next + 1));
        return next;
    }

    @Override
    public Optional<List<Object>> lookup(TargetTable table, List<Object> keyValues) {
        Objects.requireNonNull(table, "table");
        if (keyValues == null || keyValues.size() != table.key().size()) {
            throw new IllegalArgumentException("lookup in " + table.qualifiedName() + " needs " + table.key().size()
                    + " key values for key " + table.key() + ", got " + keyValues);
        }
        flush.run(); // the row as the ops of every earlier change left it, this batch's included
        return reader.read("a row of " + table.qualifiedName(), s -> lookups.find(s, table, keyValues));
    }

    private void record(Change c) {
        pending.add(c);
        latest.put(new Slot(c.map(), c.key()), c);
    }

    @Override
    public void write(TargetSession s, long commitSeq) throws SQLException {
        if (pending.isEmpty() || pending.get(0).seq() > commitSeq) {
            return;
        }
        LinkedHashMap<Slot, Change> net = new LinkedHashMap<>();
        for (Change c : pending) {
            if (c.seq() > commitSeq) {
                break;
            }
            net.put(new Slot(c.map(), c.key()), c);
        }
        List<IdMapStore.Mapping> mappings = new ArrayList<>();
        Map<String, Long> next = new LinkedHashMap<>();
        for (Change c : net.values()) {
            if (c.map() == null) {
                next.put(c.key(), c.value());
            } else {
                mappings.add(new IdMapStore.Mapping(c.map(), c.key(), c.value()));
            }
        }
        store.write(s, mappings, next);
    }

    @Override
    public boolean hasChangesUpTo(long commitSeq) {
        return !pending.isEmpty() && pending.get(0).seq() <= commitSeq;
    }

    @Override
    public void committed(long commitSeq) {
        int n = 0;
        for (Change c : pending) {
            if (c.seq() > commitSeq) {
                break;
            }
            n++;
            if (c.map() == null) {
                allocators.put(c.key(), c.value());
            } else {
                MapView m = maps.get(c.map());
                if (m != null && m.committed != null) {
                    if (c.value() == null) {
                        m.committed.remove(c.key());
                    } else {
                        m.committed.put(c.key(), c.value());
                    }
                } // a map not loaded yet is read from the target, these rows included, on first use
            }
        }
        if (n == 0) {
            return;
        }
        pending.subList(0, n).clear();
        latest.clear();
        for (Change c : pending) {
            latest.put(new Slot(c.map(), c.key()), c);
        }
    }

    @Override
    public void discard() {
        pending.clear();
        latest.clear();
    }

    /** Drops the uncommitted changes made by rows after journal seq {@code seq} (a skipped transaction's). */
    void discardAfter(long seq) {
        int keep = 0;
        while (keep < pending.size() && pending.get(keep).seq() <= seq) {
            keep++;
        }
        if (keep == pending.size()) {
            return;
        }
        pending.subList(keep, pending.size()).clear();
        latest.clear();
        for (Change c : pending) {
            latest.put(new Slot(c.map(), c.key()), c);
        }
    }

    private final class MapView implements IdMap {
        private final String name;
        /** As committed on the target; null until first read. */
        private Map<String, Long> committed;

        MapView(String name) {
            this.name = name;
        }

        @Override
        public OptionalLong get(String sourceKey) {
            Objects.requireNonNull(sourceKey, "sourceKey");
            if (!pending.isEmpty()) {
                Change c = latest.get(new Slot(name, sourceKey));
                if (c != null) {
                    return c.value() == null ? OptionalLong.empty() : OptionalLong.of(c.value());
                }
            }
            if (committed == null) {
                committed = reader.read("id map " + name, s -> store.loadMap(s.connection, name));
            }
            Long id = committed.get(sourceKey);
            return id == null ? OptionalLong.empty() : OptionalLong.of(id);
        }

        @Override
        public void put(String sourceKey, long targetId) {
            IdMapStore.keyBytes(Objects.requireNonNull(sourceKey, "sourceKey"));
            record(new Change(rowSeq, name, sourceKey, targetId));
        }

        @Override
        public void remove(String sourceKey) {
            record(new Change(rowSeq, name, Objects.requireNonNull(sourceKey, "sourceKey"), null));
        }

        @Override
        public String toString() { return "id map " + name; }
    }
}
