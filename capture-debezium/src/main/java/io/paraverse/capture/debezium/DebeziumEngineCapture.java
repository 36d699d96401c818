package io.paraverse.capture.debezium;

import io.paraverse.capture.ChangeSink;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * Capture through Debezium's embedded engine and MariaDB connector, in this process, for sources the raw binlog
 * path does not cover: the engine's JSON change events are decoded exactly as {@link DebeziumTopicCapture} decodes
 * them from Kafka, and grouped into transactions by the engine's transaction metadata (BEGIN/END records, which the
 * engine emits in order with the rows). Offsets and schema history are files in {@link DebeziumEngineConfig#stateDir()}.
 *
 * <p>{@link #start(String)} with a GTID position starts the connector there (see {@link EmbeddedEngine}); with null it
 * resumes from the engine's own offsets, or starts at the source's current position.
 */
public final class DebeziumEngineCapture extends DeliveringCapture {
    private static final Logger log = LoggerFactory.getLogger(DebeziumEngineCapture.class);

    private final DebeziumEngineConfig config;
    private final ChangeSink sink;
    private final SourceTables tables;
    private final ChangeEventDecoder decoder;
    private EmbeddedEngine engine;
    /** Rows of the open transaction: delivered at its END, so a stop mid-transaction leaves nothing half-sent. */
    private final List<ChangeEvent.Row> open = new ArrayList<>();
    private String openGtid;
    private boolean inTransaction;
    private volatile boolean stopping;

    public DebeziumEngineCapture(DebeziumEngineConfig config, ChangeSink sink) {
        this.config = Objects.requireNonNull(config, "config");
        this.sink = Objects.requireNonNull(sink, "sink");
        this.tables = new SourceTables(config.host(), config.port(), config.user(), config.password());
        this.decoder = new ChangeEventDecoder(tables, config.settings());
    }

    @Override
    public synchronized void start(String gtidPosition) {
        if (engine != null) {
            throw new IllegalStateException("the Debezium engine capture " + config.name() + " was already started");
        }
        delivery = new TransactionDelivery(sink, gtidPosition);
        engine = new EmbeddedEngine(config, true);
        engine.start(gtidPosition, this::handle);
    }

    private void handle(List<EmbeddedEngine.Record> batch) {
        for (EmbeddedEngine.Record r : batch) {
            if (stopping) {
                return;
            }
            ChangeEvent e = decoder.decode(r.topic(), r.value());
            if (e instanceof ChangeEvent.Boundary b) {
                if (b.begin()) {
                    flushOpen(); // rows without BEGIN (snapshot) end before a transaction starts
                    inTransaction = true;
                    openGtid = GtidPosition.isGtid(b.transactionId()) ? b.transactionId() : null;
                } else {
                    flushOpen();
                    inTransaction = false;
                }
            } else if (e instanceof ChangeEvent.Row row) {
                if (!inTransaction && !open.isEmpty() && !Objects.equals(openGtid, row.source().gtid())) {
                    flushOpen(); // no transaction metadata for these rows (snapshot reads): group by GTID
                }
                if (open.isEmpty() && row.source().gtid() != null) {
                    openGtid = row.source().gtid();
                }
                open.add(row);
            } else if (e instanceof ChangeEvent.Ddl ddl) {
                if (open.isEmpty()) {
                    openGtid = null; // the BEGIN Debezium emits for a DDL statement: the DDL is its transaction
                }
                flushOpen();
                applySchemaChange(ddl);
                if (ddl.source().gtid() != null) { // snapshot schema records have none and were not source events
                    delivery.deliverDdl(ddl);
                }
            }
        }
        if (!inTransaction) {
            flushOpen();
        }
    }

    /** Table shapes follow the stream's schema history, so rows are typed as they were when written. */
    private void applySchemaChange(ChangeEvent.Ddl ddl) {
        boolean defined = false;
        for (var change : ddl.tableChanges()) {
            String id = change.path("id").asText(""); // "db"."table"
            String[] parts = id.replace("\"", "").split("\\.", 2);
            if (parts.length != 2) {
                continue;
            }
            if ("DROP".equals(change.path("type").asText()) || change.path("table").isNull()) {
                tables.forget(parts[0], parts[1]);
            } else {
                tables.define(parts[0], parts[1], change.path("table"));
            }
            defined = true;
        }
        if (!defined && !ddl.tableChanges().isEmpty()) {
            tables.invalidate(ddl.schema());
        }
    }

    private void flushOpen() {
        if (open.isEmpty() && openGtid == null) {
            return;
        }
        delivery.deliver(openGtid, List.copyOf(open), open.isEmpty() ? null : open.get(open.size() - 1).source());
        open.clear();
        openGtid = null;
    }

    @Override
    public void stop() {
        stopping = true;
        EmbeddedEngine e;
        synchronized (this) {
            e = engine;
        }
        if (e != null) {
            e.close();
        }
        tables.close();
        log.info("Debezium engine capture {} stopped at GTID position '{}'", config.name(), resumePosition());
    }

    @Override
    public Throwable failure() {
        EmbeddedEngine e = engine;
        return e == null ? null : e.failure();
    }

    @Override
    public boolean isRunning() {
        EmbeddedEngine e = engine;
        return e != null && e.isRunning() && !stopping;
    }
}
