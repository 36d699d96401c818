package io.paraverse.daemon.pipeline;

import io.paraverse.capture.ChangeSink;
import io.paraverse.journal.JournalWriter;
import io.paraverse.translator.Commit;
import io.paraverse.translator.RowChange;

/** Capture's output goes straight into the journal: rows, then the commit that makes them durable. */
public final class JournalSink implements ChangeSink {
    private final JournalWriter writer;

    public JournalSink(JournalWriter writer) {
        this.writer = writer;
    }

    @Override
    public void onRow(RowChange change) {
        writer.append(change);
    }

    @Override
    public void onCommit(Commit commit) {
        writer.commit(commit);
    }

    @Override
    public void discardUncommitted() {
        writer.discardUncommitted();
    }
}
