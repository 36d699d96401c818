package io.paraverse.clone;

/** How {@link SnapshotClone} fixes the point in the source binlog that the copied data corresponds to. */
public enum SnapshotMethod {
    /**
     * MariaDB only, no lock: every reader runs {@code START TRANSACTION WITH CONSISTENT SNAPSHOT} and reads the
     * position from {@code binlog_snapshot_file/position}. InnoDB tables only. The default.
     */
    CONSISTENT_SNAPSHOT,
    /**
     * MariaDB or MySQL 8: {@code FLUSH TABLES WITH READ LOCK} while the readers open their snapshots and the
     * position is read ({@code SHOW MASTER STATUS}), then {@code UNLOCK TABLES}. When a non-InnoDB table (MyISAM,
     * Aria, ...) is included, the lock is held until the data copy is done: those tables have no consistent read,
     * so source writes wait for the whole copy. Needs the RELOAD privilege.
     */
    GLOBAL_READ_LOCK
}
