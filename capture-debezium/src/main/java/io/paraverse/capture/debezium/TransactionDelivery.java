package io.paraverse.capture.debezium;

import io.paraverse.capture.ChangeSink;
import io.paraverse.capture.DdlEvent;
import io.paraverse.translator.Commit;
import io.paraverse.translator.RowChange;
import io.paraverse.translator.SourcePosition;

import java.util.List;

/**
 * Hands complete source transactions to a {@link ChangeSink} — rows, then the {@link Commit} carrying the GTID
 * position after the transaction — and skips transactions the resume position already covers (Debezium delivers
 * at least once; our sink must see each committed transaction once). Not thread-safe: one capture thread.
 */
final class TransactionDelivery {
    private final ChangeSink sink;
    private final GtidPosition resumeFrom;
    private final GtidPosition position;
    private volatile long transactions;
    private volatile long rows;
    private long skipped;
    private volatile String lastPosition;
    private volatile long lastCommitMillis;

    /** @param resumeFrom the position already delivered (the journal's last commit), or null/"" for none */
    TransactionDelivery(ChangeSink sink, String resumeFrom) {
        this.sink = sink;
        this.resumeFrom = GtidPosition.parse(resumeFrom);
        this.position = GtidPosition.parse(resumeFrom);
        this.lastPosition = position.render();
    }

    /** Whether a transaction was delivered before the restart (its GTID is covered by the resume position). */
    boolean alreadyDelivered(String gtid) {
        return gtid != null && GtidPosition.isGtid(gtid) && resumeFrom.covers(gtid);
    }

    /**
     * Delivers one transaction. Truncates in it reach the sink as {@link DdlEvent}s ("TRUNCATE TABLE"), since they
     * are no row changes.
     *
     * @param gtid the transaction's GTID (null for snapshot reads and sources without GTIDs: the position stays)
     */
    void deliver(String gtid, List<ChangeEvent.Row> txRows, ChangeEvent.Source last) {
        if (alreadyDelivered(gtid)) {
            skipped++;
            return;
        }
        if (gtid != null && GtidPosition.isGtid(gtid)) {
            position.advance(gtid);
        }
        String after = position.render();
        long ts = last == null ? 0 : last.tsMillis();
        for (ChangeEvent.Row r : txRows) {
            SourcePosition at = new SourcePosition(gtid, after, r.source().file(), r.source().pos());
            if (r.isTruncate()) {
                sink.onDdl(new DdlEvent(r.table().schema(), "TRUNCATE TABLE `" + r.table().schema().replace("`", "``")
                        + "`.`" + r.table().table().replace("`", "``") + "`", at, r.source().tsMillis()));
            } else {
                sink.onRow(new RowChange(r.table(), r.op(), r.before(), r.after(), at, ts));
                rows++;
            }
        }
        sink.onCommit(new Commit(new SourcePosition(gtid, after, last == null ? "" : last.file(),
                last == null ? 0 : last.pos()), ts));
        transactions++;
        lastPosition = after;
        lastCommitMillis = ts;
    }

    /** Delivers a schema change as its own transaction (on MariaDB a DDL statement has its own GTID). */
    void deliverDdl(ChangeEvent.Ddl ddl) {
        String gtid = ddl.source().gtid();
        if (alreadyDelivered(gtid)) {
            skipped++;
            return;
        }
        if (gtid != null && GtidPosition.isGtid(gtid)) {
            position.advance(gtid);
        }
        String after = position.render();
        SourcePosition at = new SourcePosition(gtid, after, ddl.source().file(), ddl.source().pos());
        sink.onDdl(new DdlEvent(ddl.schema(), ddl.sql(), at, ddl.source().tsMillis()));
        sink.onCommit(new Commit(at, ddl.source().tsMillis()));
        transactions++;
        lastPosition = after;
        lastCommitMillis = ddl.source().tsMillis();
    }

    /** The GTID position after the last delivered transaction (what a restart resumes from). */
    String position() {
        return lastPosition;
    }

    long lastCommitMillis() {
        return lastCommitMillis;
    }

    long transactions() {
        return transactions;
    }

    long rows() {
        return rows;
    }

    long skipped() {
        return skipped;
    }
}
