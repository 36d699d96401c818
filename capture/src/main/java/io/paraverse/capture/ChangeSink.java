package io.paraverse.capture;

import io.paraverse.translator.Commit;
import io.paraverse.translator.RowChange;

/**
 * Receives captured changes in binlog order, from one capture thread: the rows of a transaction, then its commit.
 * The daemon wires this to the journal writer.
 */
public interface ChangeSink {

    void onRow(RowChange change);

    void onCommit(Commit commit);

    /**
     * The connection broke inside a transaction: rows delivered since the last commit will be delivered again
     * after the reconnect (capture resumes from the last commit's GTID position), so drop them.
     */
    void discardUncommitted();

    /**
     * A DDL statement (or other non-row statement) that concerns captured schemas, delivered in stream order before
     * the {@link #onCommit(Commit)} of its transaction. Capture has already logged it; the default does nothing
     * more. The daemon uses this to pause a migration (or hand the statement to a translator hook).
     */
    default void onDdl(DdlEvent ddl) {
    }
}
