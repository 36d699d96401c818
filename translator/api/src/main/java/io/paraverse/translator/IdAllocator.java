package io.paraverse.translator;

import java.util.Objects;

/**
 * A named, persistent id sequence on the target. Its first value is one above the largest value of
 * {@code seedTable.seedColumn} on the target when it is first used (so ids the upgrade assigned on the clone are
 * never reused); every value after that is persisted with the ops that use it.
 *
 * @param name       stable name (stored on the target)
 * @param seedTable  target table whose column seeds the sequence, e.g. {@code wiki.revision}
 * @param seedColumn that table's id column, e.g. {@code rev_id}
 */
public record IdAllocator(String name, String seedTable, String seedColumn) {
    public IdAllocator {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(seedTable, "seedTable");
        Objects.requireNonNull(seedColumn, "seedColumn");
        if (!seedTable.contains(".")) {
            throw new IllegalArgumentException("seedTable must be schema.table, got '" + seedTable + "'");
        }
    }
}
