package io.paraverse.applier;

import io.paraverse.journal.JournalEntry;
import io.paraverse.translator.SourcePosition;
import io.paraverse.translator.TableDef;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.sql.SQLException;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.Map;

/**
 * Follows the source transactions as the applier reads them and drops the rows of those an operator asked to
 * skip ({@link SkipRequests}); each skip is audited in the target transaction that moves the checkpoint past it,
 * and logged at WARN once committed. Apply thread only.
 */
final class TransactionSkipper implements BatchPart {
    // the applier's log category, so logging configuration keeps covering these messages
    private static final Logger log = LoggerFactory.getLogger(Applier.class);

    private final SkipRequests store;
    private final String pipeline;
    private Map<String, SkipRequests.Request> requests = Map.of();

    // the source transaction being read
    private boolean open;
    private String gtid;
    private SkipRequests.Request skipping;
    private long rows;
    private TableDef lastTable;
    private final LinkedHashSet<String> tables = new LinkedHashSet<>();

    private final ArrayList<SkipRequests.Audit> audits = new ArrayList<>();

    TransactionSkipper(SkipRequests store, String pipeline) {
        this.store = store;
        this.pipeline = pipeline;
    }

    /** Reads the requests (at start, and when the applier is about to stop on a failure). */
    void reload(TargetReader reader) {
        requests = reader.read("the skip requests", s -> store.load(s.connection));
    }

    /** Takes in a row; true if it belongs to a transaction to skip (apply nothing of it). */
    boolean skipRow(JournalEntry.Row r) {
        if (!open) {
            open = true;
            gtid = r.change().transactionId();
            skipping = requests.isEmpty() ? null : requests.get(gtid);
            rows = 0;
            lastTable = null;
            tables.clear();
        }
        rows++;
        TableDef t = r.change().table();
        if (t != lastTable) { // cheap: rows of one table mostly come in runs
            tables.add(t.qualifiedName());
            lastTable = t;
        }
        return skipping != null;
    }

    /**
     * The current transaction failed: if a request to skip it exists now, skip the rest of it and return true
     * (the caller drops what it buffered of it).
     */
    boolean skipCurrent(TargetReader reader) {
        reload(reader);
        if (open && gtid != null) {
            skipping = requests.get(gtid);
        }
        return open && skipping != null;
    }

    /** Takes in a commit; true if the transaction it ends was skipped (its audit waits for the target commit). */
    boolean commit(JournalEntry.TxCommit c) {
        SourcePosition p = c.commit().position();
        SkipRequests.Request req = open ? skipping : requests.get(p.gtid()); // an empty transaction can be skipped too
        open = false;
        skipping = null;
        if (req == null) {
            return false;
        }
        audits.add(new SkipRequests.Audit(c.seq(), req.gtid(), p.binlogFile(), p.binlogPos(), String.join(",", tables),
                rows, req.reason(), req.requestedBy()));
        tables.clear();
        rows = 0;
        return true;
    }

    @Override
    public void write(TargetSession s, long commitSeq) throws SQLException {
        for (SkipRequests.Audit a : audits) {
            if (a.commitSeq() <= commitSeq) {
                store.audit(s, a);
            }
        }
    }

    @Override
    public boolean hasChangesUpTo(long commitSeq) {
        for (SkipRequests.Audit a : audits) {
            if (a.commitSeq() <= commitSeq) {
                return true;
            }
        }
        return false;
    }

    @Override
    public void committed(long commitSeq) {
        audits.removeIf(a -> {
            if (a.commitSeq() > commitSeq) {
                return false;
            }
            log.warn("applier {}: SKIPPED source transaction {} at {}:{} ({} rows of {}) on request of {}: {}", pipeline,
                    a.gtid(), a.binlogFile(), a.binlogPos(), a.rowsSkipped(), a.sourceTables(), a.requestedBy(), a.reason());
            return true;
        });
    }

    @Override
    public void discard() {
        audits.clear();
        open = false;
        skipping = null;
        tables.clear();
        rows = 0;
    }
}
