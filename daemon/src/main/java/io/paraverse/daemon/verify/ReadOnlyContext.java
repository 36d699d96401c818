package io.paraverse.daemon.verify;

import io.paraverse.translator.IdAllocator;
import io.paraverse.translator.IdMap;
import io.paraverse.translator.TableDef;
import io.paraverse.translator.TargetTable;
import io.paraverse.translator.TranslationContext;

import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * The translation context of a verification: configuration and schema map as the migration has them, id maps read
 * from what the applier persisted on the target ({@code <schema>.id_map} of the migration's pipeline), lookups of
 * target rows, and never a write. Allocating an id, or mapping a key the target has no mapping for, means the row
 * has not been applied yet: {@link NotAppliedYetException}. Mappings a translation makes that the target already
 * holds are fine, and are seen by the rest of that row's translation.
 */
final class ReadOnlyContext implements TranslationContext {
    private final TranslationContext base;
    private final Connection target;
    private final TargetRows rows;
    private final String idMapTable;
    private final String pipeline;
    /** What the translation of the current row mapped or forgot (null value: removed). */
    private final Map<String, Map<String, Long>> rowOverlay = new HashMap<>();

    ReadOnlyContext(TranslationContext base, Connection target, TargetRows rows, String idMapSchema, String pipeline) {
        this.base = base;
        this.target = target;
        this.rows = rows;
        this.idMapTable = Sql.quote(idMapSchema) + ".`id_map`";
        this.pipeline = pipeline;
    }

    /** Starts the translation of another source row. */
    void beginRow() {
        rowOverlay.clear();
    }

    @Override
    public Map<String, String> config() { return base.config(); }

    @Override
    public String targetSchema(String sourceSchema) { return base.targetSchema(sourceSchema); }

    @Override
    public IdMap idMap(String name) {
        return new IdMap() {
            @Override
            public OptionalLong get(String sourceKey) {
                Map<String, Long> o = rowOverlay.get(name);
                if (o != null && o.containsKey(sourceKey)) {
                    Long v = o.get(sourceKey);
                    return v == null ? OptionalLong.empty() : OptionalLong.of(v);
                }
                return stored(name, sourceKey);
            }

            @Override
            public void put(String sourceKey, long targetId) {
                OptionalLong have = stored(name, sourceKey);
                if (have.isEmpty() || have.getAsLong() != targetId) {
                    throw new NotAppliedYetException("id map " + name + " has " + (have.isEmpty() ? "no entry" : "id " + have.getAsLong())
                            + " for '" + sourceKey + "' where the translator maps it to " + targetId);
                }
                rowOverlay.computeIfAbsent(name, k -> new HashMap<>()).put(sourceKey, targetId);
            }

            @Override
            public void remove(String sourceKey) {
                rowOverlay.computeIfAbsent(name, k -> new HashMap<>()).put(sourceKey, null);
            }

            @Override
            public String toString() { return "id map " + name + " (read-only)"; }
        };
    }

    @Override
    public long allocate(IdAllocator allocator) {
        throw new NotAppliedYetException("the translator would allocate a new id from " + allocator.name()
                + ": the applier has not mapped this row yet");
    }

    @Override
    public Optional<List<Object>> lookup(TargetTable table, List<Object> keyValues) {
        try {
            TableDef def = rows.def(table.schema(), table.table());
            Map<RowKey, Object[]> found = rows.byKeys(def, table.key(), List.of(keyValues));
            if (found.isEmpty()) {
                return Optional.empty();
            }
            Object[] row = found.values().iterator().next();
            List<Object> out = new ArrayList<>();
            for (String col : table.columns()) {
                out.add(row[def.indexOf(col)]);
            }
            return Optional.of(java.util.Collections.unmodifiableList(Arrays.asList(out.toArray())));
        } catch (SQLException e) {
            throw new CloneReadFailure("cannot look up " + keyValues + " in " + table.qualifiedName() + " on the clone: " + e.getMessage(), e);
        }
    }

    private OptionalLong stored(String map, String sourceKey) {
        try (PreparedStatement ps = target.prepareStatement("SELECT target_id FROM " + idMapTable
                + " WHERE pipeline = ? AND map_name = ? AND source_key = ?")) {
            ps.setString(1, pipeline);
            ps.setString(2, map);
            ps.setBytes(3, sourceKey.getBytes(StandardCharsets.UTF_8));
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? OptionalLong.of(rs.getLong(1)) : OptionalLong.empty();
            }
        } catch (SQLException e) {
            if (e.getErrorCode() == 1146 || e.getErrorCode() == 1049) { // no id maps stored (yet)
                return OptionalLong.empty();
            }
            throw new CloneReadFailure("cannot read id map " + map + " on the clone: " + e.getMessage(), e);
        }
    }

    /** Reading the clone failed: an error of the verification, not a finding about the row. */
    static final class CloneReadFailure extends RuntimeException {
        CloneReadFailure(String message, Throwable cause) {
            super(message, cause);
        }
    }
}
