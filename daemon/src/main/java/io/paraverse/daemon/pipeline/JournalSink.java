package io.paraverse.daemon.pipeline;

import io.paraverse.capture.ChangeSink;
import io.paraverse.journal.JournalWriter;
import io.paraverse.translator.Commit;
import io.paraverse.translator.RowChange;

/**
 * Capture's output goes straight into the journal: rows, then the commit that makes them durable. At a source DDL
 * the {@link DdlGate} closes unless acknowledged; from then on nothing is journaled (the journal ends before the
 * DDL, so capture resumes there once the operator has acknowledged it).
 */
public final class JournalSink implements ChangeSink {
    private final JournalWriter writer;
    private final DdlGate ddl;
    private final RecentKeys recent;

    public JournalSink(JournalWriter writer) {
        this(writer, new DdlGate(java.util.Set.of()), new RecentKeys(0));
    }

    public JournalSink(JournalWriter writer, DdlGate ddl, RecentKeys recent) {
        this.writer = writer;
        this.ddl = ddl;
        this.recent = recent;
    }

    @Override
    public void onRow(RowChange change) {
        if (!ddl.closed()) {
            writer.append(change);
            recent.record(change);
        }
    }

    @Override
    public void onCommit(Commit commit) {
        if (!ddl.closed()) {
            writer.commit(commit);
        }
    }

    @Override
    public void onDdl(io.paraverse.capture.DdlEvent event) {
        if (!ddl.admit(event)) {
            writer.discardUncommitted(); // the DDL's own transaction (if any) must not reach the journal either
        }
    }

    @Override
    public void discardUncommitted() {
        writer.discardUncommitted();
    }
}
