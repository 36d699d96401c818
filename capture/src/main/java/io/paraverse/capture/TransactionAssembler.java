package io.paraverse.capture;

import com.github.shyiko.mysql.binlog.event.Event;
import com.github.shyiko.mysql.binlog.event.EventType;
import com.github.shyiko.mysql.binlog.event.MariadbGtidEventData;
import com.github.shyiko.mysql.binlog.event.QueryEventData;
import com.github.shyiko.mysql.binlog.event.RotateEventData;
import io.paraverse.translator.Commit;
import io.paraverse.translator.RowChange;
import io.paraverse.translator.SourcePosition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Turns the binlog events of one connection into sink calls: a {@link RowChange} per changed row, a {@link DdlEvent}
 * per schema change that concerns capture, and a {@link Commit} per source transaction, advancing the committed
 * position in {@link CaptureStatus}. One per connection; the table maps outlive it.
 */
final class TransactionAssembler {
    // logged under the façade's name, as before the classes were split
    private static final Logger log = LoggerFactory.getLogger(BinlogCapture.class);

    private static final int FL_STANDALONE = 1;
    /** Account and privilege statements: not schema changes, and they may carry password hashes. */
    private static final Pattern ACCOUNT = Pattern.compile("(?is)\\s*(?:(?:CREATE|ALTER|DROP|RENAME)\\s+(?:OR\\s+REPLACE\\s+)?"
            + "(?:USER|ROLE)|GRANT|REVOKE|SET\\s+(?:PASSWORD|DEFAULT\\s+ROLE)|FLUSH|ANALYZE|OPTIMIZE|CHECK|REPAIR)\\b.*");
    private static final Pattern QUALIFIED = Pattern.compile("`((?:[^`]|``)+)`\\s*\\.|\\b([\\w$]+)\\s*\\.\\s*[`\\w$*]");

    private final CaptureConfig config;
    private final ChangeSink sink;
    private final SourceQueries source;
    private final Map<Long, TableMapping> tables;
    private final CaptureStatus status;
    private final RowsDecoder decoder = new RowsDecoder();

    /** Rows passed to the sink since the last commit. */
    private long pendingRows;

    // current binlog file and transaction
    private String file = "";
    private boolean inTxn;
    private String txnGtid;
    private long txnDomain;
    private boolean txnStandalone;
    private long txnTimestamp;
    private String txnPositionAfter;

    TransactionAssembler(CaptureConfig config, ChangeSink sink, SourceQueries source, Map<Long, TableMapping> tables,
                         CaptureStatus status) {
        this.config = config;
        this.sink = sink;
        this.source = source;
        this.tables = tables;
        this.status = status;
    }

    /**
     * Forgets the rows of the unfinished transaction; returns whether there were any, which the sink must then be
     * told to discard.
     */
    boolean dropPendingRows() {
        if (pendingRows > 0) {
            pendingRows = 0;
            return true;
        }
        return false;
    }

    void handle(Event event) {
        CaptureEventDeserializer.Header h = (CaptureEventDeserializer.Header) event.getHeader();
        switch (h.getEventType()) {
            case WRITE_ROWS, EXT_WRITE_ROWS -> rows(h, event, RowChange.Op.INSERT, h.getEventType() == EventType.EXT_WRITE_ROWS);
            case UPDATE_ROWS, EXT_UPDATE_ROWS -> rows(h, event, RowChange.Op.UPDATE, h.getEventType() == EventType.EXT_UPDATE_ROWS);
            case DELETE_ROWS, EXT_DELETE_ROWS -> rows(h, event, RowChange.Op.DELETE, h.getEventType() == EventType.EXT_DELETE_ROWS);
            case TABLE_MAP -> tableMap((CaptureEventDeserializer.Raw) event.getData());
            case MARIADB_GTID -> begin(h, (MariadbGtidEventData) event.getData());
            case XID -> commit(h);
            case QUERY -> query(h, (QueryEventData) event.getData());
            case XA_PREPARE -> commit(h); // rows of a prepared XA transaction count at prepare
            case ROTATE -> file = ((RotateEventData) event.getData()).getBinlogFilename();
            case HEARTBEAT -> status.caughtUp = true;
            case GTID, TRANSACTION_PAYLOAD, PARTIAL_UPDATE_ROWS_EVENT, PRE_GA_WRITE_ROWS, PRE_GA_UPDATE_ROWS,
                 PRE_GA_DELETE_ROWS -> throw new CaptureException("unsupported binlog event " + h.getEventType()
                    + " at " + file + ":" + h.getPosition());
            case UNKNOWN -> {
                if (h.rawType >= 165 && h.rawType <= 171) {
                    throw new CaptureException("the binlog of " + config.address() + " holds compressed events"
                            + " (type " + h.rawType + " at " + file + ":" + h.getPosition() + "), which capture"
                            + " cannot read: set log_bin_compress=OFF on the source");
                }
            }
            default -> {
                // FORMAT_DESCRIPTION, GTID_LIST, BINLOG_CHECKPOINT, ANNOTATE_ROWS, ...: nothing to do
            }
        }
    }

    private void begin(CaptureEventDeserializer.Header h, MariadbGtidEventData g) {
        if (inTxn && pendingRows > 0) {
            log.warn("transaction {} at {}:{} had no end event; dropping its {} uncommitted rows", txnGtid, file,
                    h.getPosition(), pendingRows);
            pendingRows = 0;
            sink.discardUncommitted();
        }
        long domain = g.getDomainId() & 0xFFFFFFFFL;
        txnDomain = domain;
        txnGtid = domain + "-" + h.getServerId() + "-" + g.getSequence();
        txnStandalone = (g.getFlags() & FL_STANDALONE) != 0;
        txnTimestamp = h.getTimestamp();
        txnPositionAfter = status.gtids.renderWith(domain, txnGtid);
        inTxn = true;
        status.caughtUp = false;
        status.lastEventTimestamp = txnTimestamp;
    }

    private void commit(CaptureEventDeserializer.Header h) {
        String after = txnGtid != null ? txnPositionAfter : status.resumePosition;
        long ts = inTxn ? txnTimestamp : h.getTimestamp();
        SourcePosition pos = new SourcePosition(txnGtid, after, file, h.getNextPosition());
        sink.onCommit(new Commit(pos, ts));
        if (txnGtid != null) {
            status.gtids.advance(txnDomain, txnGtid);
            status.resumePosition = after;
        }
        status.rowsCaptured += pendingRows;
        status.transactions++;
        status.lastCommitted = pos;
        pendingRows = 0;
        inTxn = false;
        txnGtid = null;
    }

    private void tableMap(CaptureEventDeserializer.Raw raw) {
        long id = TableMapping.tableId(raw.body);
        TableMapping m = tables.get(id);
        if (m != null && m.sameAs(raw.body, raw.length)) {
            return;
        }
        if (tables.size() > 10_000) {
            tables.clear();
        }
        m = TableMapping.parse(raw.body, raw.length, source.mariaDb(), config.filter(), source.collations());
        List<String> old = m.oldTemporalColumns();
        if (!old.isEmpty()) {
            source.refuseFractionalOldTemporals(m, old);
        }
        tables.put(id, m);
    }

    private void rows(CaptureEventDeserializer.Header h, Event event, RowChange.Op op, boolean v2) {
        CaptureEventDeserializer.Raw raw = (CaptureEventDeserializer.Raw) event.getData();
        RowsDecoder d = decoder;
        d.reset(raw.body, 0, raw.length);
        long tableId = d.le48();
        d.skip(2); // flags
        if (v2) {
            d.skip(d.le16() - 2); // extra row info
        }
        TableMapping t = tables.get(tableId);
        if (t == null) {
            throw new CaptureException("rows event at " + file + ":" + h.getPosition() + " for table id " + tableId
                    + " without a preceding table map");
        }
        if (!t.captured) {
            return;
        }
        int n = (int) d.packed();
        if (n != t.columnCount) {
            throw new CaptureException("rows event for " + t.def.qualifiedName() + " at " + file + ":"
                    + h.getPosition() + " has " + n + " columns, its table map " + t.columnCount);
        }
        if (!d.allSet(n) || (op == RowChange.Op.UPDATE && !d.allSet(n))) {
            throw new CaptureException("rows event for " + t.def.qualifiedName() + " at " + file + ":"
                    + h.getPosition() + " lacks columns: set binlog_row_image=FULL on the source");
        }
        SourcePosition pos = new SourcePosition(txnGtid, txnGtid != null ? txnPositionAfter : null, file,
                h.getPosition());
        long ts = inTxn ? txnTimestamp : h.getTimestamp();
        while (d.hasMore()) {
            Object[] before = null;
            Object[] after = null;
            if (op == RowChange.Op.INSERT) {
                after = d.row(t);
            } else if (op == RowChange.Op.DELETE) {
                before = d.row(t);
            } else {
                before = d.row(t);
                after = d.row(t);
            }
            pendingRows++;
            sink.onRow(new RowChange(t.def, op, before, after, pos, ts));
        }
    }

    private void query(CaptureEventDeserializer.Header h, QueryEventData q) {
        String sql = q.getSql() == null ? "" : q.getSql().trim();
        String upper = sql.length() > 24 ? sql.substring(0, 24).toUpperCase(Locale.ROOT)
                : sql.toUpperCase(Locale.ROOT);
        if (upper.equals("BEGIN") || upper.startsWith("SAVEPOINT") || upper.startsWith("RELEASE SAVEPOINT")
                || (upper.startsWith("ROLLBACK") && upper.matches("ROLLBACK\\s+(WORK\\s+)?TO\\b.*"))
                || upper.startsWith("XA START") || upper.startsWith("XA BEGIN") || upper.startsWith("XA END")) {
            return;
        }
        if (upper.equals("COMMIT")) {
            commit(h);
            return;
        }
        if (upper.startsWith("ROLLBACK")) {
            // logged only when non-transactional tables were changed in a transaction that rolled back
            if (pendingRows > 0) {
                log.warn("transaction {} at {}:{} rolled back after changing non-transactional tables; its"
                        + " {} captured rows are dropped", txnGtid, file, h.getPosition(), pendingRows);
                pendingRows = 0;
                sink.discardUncommitted();
            }
            commit(h);
            return;
        }
        if (upper.startsWith("XA COMMIT") || upper.startsWith("XA ROLLBACK")) {
            if (upper.startsWith("XA ROLLBACK")) {
                log.warn("XA transaction rolled back at {}:{} ({}): its rows were captured at XA PREPARE", file,
                        h.getPosition(), sql);
            }
            commit(h);
            return;
        }
        String db = q.getDatabase() == null ? "" : q.getDatabase();
        if (concernsCapture(db, sql)) {
            String gtid = txnGtid;
            log.info("DDL on the source at GTID {} ({}:{}), schema '{}': {}", gtid, file, h.getPosition(), db,
                    sql.length() > 2000 ? sql.substring(0, 2000) + "..." : sql);
            sink.onDdl(new DdlEvent(db, sql, new SourcePosition(gtid, gtid != null ? txnPositionAfter : null,
                    file, h.getPosition()), h.getTimestamp()));
        }
        if (!inTxn || txnStandalone) {
            commit(h);
        }
    }

    private boolean concernsCapture(String db, String sql) {
        if (ACCOUNT.matcher(sql).matches()) {
            return false;
        }
        TableFilter f = config.filter();
        if (f.mayIncludeSchema(db)) {
            return true;
        }
        Matcher m = QUALIFIED.matcher(sql);
        while (m.find()) {
            String schema = m.group(1) != null ? m.group(1).replace("``", "`") : m.group(2);
            if ((m.group(1) != null || !schema.chars().allMatch(Character::isDigit)) && f.mayIncludeSchema(schema)) {
                return true;
            }
        }
        return false;
    }
}
