package io.paraverse.clone;

import java.util.List;
import java.util.Map;

/**
 * The outcome of a {@link SnapshotClone}: the binlog point of the snapshot, rows copied per table (in copy order)
 * and the objects that were not copied ("skipped: view db.v", ...).
 */
public record CloneResult(ClonePoint clonePoint, Map<TableRef, Long> rowsCopied, List<String> skipped) {
    public CloneResult {
        rowsCopied = java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(rowsCopied));
        skipped = List.copyOf(skipped);
    }

    public long totalRows() {
        return rowsCopied.values().stream().mapToLong(Long::longValue).sum();
    }
}
