package io.paraverse.applier;

import java.sql.SQLException;

/**
 * State besides the ops that a source transaction changes and that must reach the target in the same target
 * transaction as its ops and checkpoint (id maps, allocators, skip audits). Apply thread only.
 */
interface BatchPart {

    /** Writes, inside the open target transaction, the changes of the source transactions up to journal seq {@code commitSeq}. */
    void write(TargetSession s, long commitSeq) throws SQLException;

    /** The target transaction holding the changes up to {@code commitSeq} committed. */
    void committed(long commitSeq);

    /** Whether changes of source transactions up to journal seq {@code commitSeq} wait to be written. */
    boolean hasChangesUpTo(long commitSeq);

    /** The batch was dropped (rolled back, to be re-read from the journal): forget every uncommitted change. */
    void discard();
}
