package io.paraverse.clone;

/**
 * Where the clone's snapshot sits in the source binlog: every transaction committed before (file, position) is in
 * the copied data, none after. {@code gtidPosition} is the same point as a MariaDB GTID position
 * ({@code BINLOG_GTID_POS(file, pos)}, or {@code @@gtid_binlog_pos} read under the global read lock): start
 * capturing there. On a MySQL source (only with {@link SnapshotMethod#GLOBAL_READ_LOCK}) it is the
 * {@code @@gtid_executed} set instead.
 */
public record ClonePoint(String binlogFile, long binlogPos, String gtidPosition) {
    @Override
    public String toString() {
        return binlogFile + ":" + binlogPos + " (gtid " + gtidPosition + ")";
    }
}
