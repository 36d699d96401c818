package io.paraverse.capture.debezium;

import io.paraverse.capture.ChangeSink;
import io.paraverse.capture.DdlEvent;
import io.paraverse.translator.Commit;
import io.paraverse.translator.RowChange;

import java.util.ArrayList;
import java.util.List;

/** Models the journal's contract: rows are pending until their commit; committed transactions kept in order. */
final class RecordingSink implements ChangeSink {
    record Txn(List<RowChange> rows, Commit commit) {
    }

    private final List<RowChange> pending = new ArrayList<>();
    private final List<Txn> committed = new ArrayList<>();
    private final List<DdlEvent> ddl = new ArrayList<>();

    @Override
    public synchronized void onRow(RowChange change) {
        pending.add(change);
    }

    @Override
    public synchronized void onCommit(Commit commit) {
        committed.add(new Txn(List.copyOf(pending), commit));
        pending.clear();
    }

    @Override
    public synchronized void discardUncommitted() {
        pending.clear();
    }

    @Override
    public synchronized void onDdl(DdlEvent event) {
        ddl.add(event);
    }

    synchronized List<Txn> transactions() {
        return List.copyOf(committed);
    }

    /** Transactions with at least one row (Debezium reports no transaction without captured rows). */
    synchronized List<Txn> rowTransactions() {
        return committed.stream().filter(t -> !t.rows().isEmpty()).toList();
    }

    synchronized List<DdlEvent> ddl() {
        return List.copyOf(ddl);
    }

    synchronized String lastPosition() {
        return committed.isEmpty() ? null : committed.get(committed.size() - 1).commit().position().gtidPosition();
    }
}
