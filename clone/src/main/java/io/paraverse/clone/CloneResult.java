package io.paraverse.clone;

import java.util.List;
import java.util.Map;

/**
 * The outcome of a {@link SnapshotClone}: the binlog point of the snapshot, rows copied per table (in copy order),
 * the objects that were not copied ("skipped: sequence db.s", ...), the report of views and routines created after
 * the data ("created: view db.v", "definer rewritten: ..."), the triggers and events kept for cutover
 * ({@link DeferredObject}, also reported as "deferred: trigger db.t (created at cutover)"), and warnings about
 * what catch-up cannot guarantee (e.g. a table without primary key).
 */
public record CloneResult(ClonePoint clonePoint, Map<TableRef, Long> rowsCopied, List<String> skipped, List<String> objects,
                          List<DeferredObject> deferred, List<String> warnings) {
    public CloneResult {
        rowsCopied = java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(rowsCopied));
        skipped = List.copyOf(skipped);
        objects = List.copyOf(objects);
        deferred = List.copyOf(deferred);
        warnings = List.copyOf(warnings);
    }

    /** Without object report, deferred objects or warnings (the original shape). */
    public CloneResult(ClonePoint clonePoint, Map<TableRef, Long> rowsCopied, List<String> skipped) {
        this(clonePoint, rowsCopied, skipped, List.of(), List.of(), List.of());
    }

    public long totalRows() {
        return rowsCopied.values().stream().mapToLong(Long::longValue).sum();
    }
}
