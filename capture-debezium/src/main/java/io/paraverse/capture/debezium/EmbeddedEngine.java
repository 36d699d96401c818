package io.paraverse.capture.debezium;

import io.debezium.engine.DebeziumEngine;
import io.debezium.engine.format.Json;
import org.apache.kafka.connect.json.JsonConverter;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.ObjectOutputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Runs Debezium's embedded engine with the MariaDB connector and the JSON converter — the records a Kafka Connect
 * deployment would write to Kafka — and hands each batch, in source order, to a {@link Handler}. Records are marked
 * processed (so Debezium may store their offsets) only after the handler returns.
 *
 * <p>Start position: our resume position wins over Debezium's stored offsets. Given a GTID position, the offsets file
 * is rewritten to start there (the connector reads MariaDB GTIDs from offset key {@code gtids}), so the engine never
 * skips what our journal lacks; given none, the engine resumes from its own offsets or, without offsets, starts at the
 * source's current position ({@code snapshot.mode=no_data}: the clone is the snapshot).
 */
final class EmbeddedEngine implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(EmbeddedEngine.class);

    /** One record as Connect would write it: destination topic, key and value JSON. */
    record Record(String topic, String key, String value) {
    }

    /** Receives batches on the engine's thread; throwing stops the engine. */
    interface Handler {
        void handle(List<Record> batch) throws Exception;
    }

    private final DebeziumEngineConfig config;
    private final boolean schemas;
    private DebeziumEngine<io.debezium.engine.ChangeEvent<String, String>> engine;
    private Thread thread;
    private final AtomicReference<Throwable> failure = new AtomicReference<>();

    /** @param schemas whether values carry the JSON converter's schemas ({@code schemas.enable}) */
    EmbeddedEngine(DebeziumEngineConfig config, boolean schemas) {
        this.config = config;
        this.schemas = schemas;
    }

    /**
     * Starts the engine at {@code gtidPosition} (see the class comment) and returns once it streams.
     */
    void start(String gtidPosition, Handler handler) {
        try {
            Files.createDirectories(config.stateDir());
        } catch (IOException e) {
            throw new DebeziumCaptureException("cannot create the Debezium state directory " + config.stateDir()
                    + ": " + e.getMessage(), e);
        }
        String snapshotMode = "no_data";
        if (gtidPosition != null && !gtidPosition.isBlank()) {
            seedOffsets(gtidPosition);
            if (!Files.exists(config.schemaHistoryFile())) {
                snapshotMode = "recovery"; // offsets without history: rebuild the history from the current schema
            }
        } else if (Files.exists(config.offsetsFile()) && !Files.exists(config.schemaHistoryFile())) {
            snapshotMode = "recovery";
        }
        Properties p = properties(snapshotMode);
        engine = DebeziumEngine.create(Json.class)
                .using(p)
                .notifying((records, committer) -> {
                    List<Record> batch = new ArrayList<>(records.size());
                    for (var r : records) {
                        batch.add(new Record(r.destination(), r.key(), r.value()));
                    }
                    try {
                        handler.handle(batch);
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                        throw e;
                    } catch (Exception e) {
                        failure.compareAndSet(null, e);
                        throw new RuntimeException(e); // the engine stops and reports through the callback
                    }
                    for (var r : records) {
                        committer.markProcessed(r);
                    }
                    committer.markBatchFinished();
                })
                .using((success, message, error) -> {
                    if (!success) {
                        failure.compareAndSet(null, explain(message, error));
                        log.error("Debezium engine {} stopped: {}", config.name(), message, error);
                    }
                })
                .using(new DebeziumEngine.ConnectorCallback() {
                    @Override
                    public void taskStarted() {
                        }
                })
                .build();
        thread = new Thread(engine, "debezium-engine-" + config.name());
        thread.setDaemon(true);
        thread.start();
        try {
            // taskStarted comes before the connector has read the schema and connected to the binlog; changes made
            // in between would be decoded with a newer schema, so wait for the streaming metrics to say connected
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
            while (!connected() && failure.get() == null) {
                if (System.nanoTime() > deadline) {
                    close();
                    throw new DebeziumCaptureException("the Debezium engine for " + config.host() + ":" + config.port()
                            + " did not start streaming within 120 s");
                }
                Thread.sleep(20);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            close();
            throw new DebeziumCaptureException("interrupted while starting the Debezium engine");
        }
        Throwable f = failure.get();
        if (f != null) {
            close();
            throw new DebeziumCaptureException("the Debezium engine for " + config.user() + "@" + config.host() + ":"
                    + config.port() + " failed to start: " + f.getMessage(), f);
        }
        log.info("Debezium engine {} started ({} snapshot mode {}, from GTID position '{}')", config.name(),
                config, snapshotMode, gtidPosition);
    }

    private Properties properties(String snapshotMode) {
        Properties p = new Properties();
        p.setProperty("name", config.name());
        p.setProperty("connector.class", "io.debezium.connector.mariadb.MariaDbConnector");
        p.setProperty("offset.storage", "org.apache.kafka.connect.storage.FileOffsetBackingStore");
        p.setProperty("offset.storage.file.filename", config.offsetsFile().toString());
        p.setProperty("offset.flush.interval.ms", "1000");
        p.setProperty("schema.history.internal", "io.debezium.storage.file.history.FileSchemaHistory");
        p.setProperty("schema.history.internal.file.filename", config.schemaHistoryFile().toString());
        p.setProperty("database.hostname", config.host());
        p.setProperty("database.port", String.valueOf(config.port()));
        p.setProperty("database.user", config.user());
        p.setProperty("database.password", config.password() == null ? "" : config.password());
        p.setProperty("database.server.id", String.valueOf(config.serverId()));
        p.setProperty("topic.prefix", config.name());
        if (!config.databases().isEmpty()) {
            p.setProperty("database.include.list", String.join(",", config.databases()));
        }
        p.setProperty("snapshot.mode", snapshotMode);
        p.setProperty("provide.transaction.metadata", "true");
        p.setProperty("include.schema.changes", "true");
        p.setProperty("converter.schemas.enable", String.valueOf(schemas));
        p.putAll(ConnectorSettings.defaults().asConnectorConfig());
        p.putAll(config.extraProperties());
        return p;
    }

    /** Rewrites Debezium's offsets file so the connector starts at {@code gtidPosition}. */
    private void seedOffsets(String gtidPosition) {
        String file = firstBinlog();
        Map<String, Object> offset = new HashMap<>();
        offset.put("file", file);
        offset.put("pos", 4L);
        offset.put("gtids", gtidPosition);
        try (JsonConverter converter = new JsonConverter()) {
            // the same serialization Connect's OffsetStorageWriter uses: key [engine name, partition], no schemas
            converter.configure(Map.of("schemas.enable", "false", "converter.type", "key"), true);
            byte[] key = converter.fromConnectData("", null, List.of(config.name(), Map.of("server", config.name())));
            byte[] value = converter.fromConnectData("", null, offset);
            HashMap<byte[], byte[]> raw = new HashMap<>();
            raw.put(key, value);
            Path tmp = config.offsetsFile().resolveSibling("debezium-offsets.dat.tmp");
            try (ObjectOutputStream out = new ObjectOutputStream(Files.newOutputStream(tmp))) {
                out.writeObject(raw); // FileOffsetBackingStore's format
            }
            Files.move(tmp, config.offsetsFile(), java.nio.file.StandardCopyOption.REPLACE_EXISTING,
                    java.nio.file.StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write Debezium offsets to " + config.offsetsFile(), e);
        }
        log.info("Debezium engine {} will start at GTID position {} (binlog {})", config.name(), gtidPosition, file);
    }

    private String firstBinlog() {
        String url = "jdbc:mariadb://" + config.host() + ":" + config.port() + "/";
        try (Connection c = DriverManager.getConnection(url, config.user(), config.password());
             Statement st = c.createStatement(); ResultSet rs = st.executeQuery("SHOW BINARY LOGS")) {
            if (rs.next()) {
                return rs.getString(1);
            }
            throw new DebeziumCaptureException("the source " + config.host() + ":" + config.port()
                    + " has no binary logs: enable log_bin");
        } catch (SQLException e) {
            throw new DebeziumCaptureException("cannot list the binary logs of " + config.host() + ":" + config.port()
                    + " as " + config.user() + ": " + e.getMessage(), e);
        }
    }

    /** The engine's failure with its root cause in the message (Debezium's own top-level message says little). */
    private DebeziumCaptureException explain(String message, Throwable error) {
        Throwable root = error;
        while (root != null && root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        String why = root == null ? message : root.getMessage();
        String hint = why != null && why.contains("schema size")
                ? ": a captured table was altered between the start position and the time the engine rebuilt its schema"
                + " history from the current schema (snapshot.mode=recovery), so older rows cannot be decoded. Start"
                + " from a position after the last DDL on the captured tables, or use the binlog capture."
                : "; see the log for Debezium's stack trace.";
        return new DebeziumCaptureException("the Debezium engine " + config.name() + " for " + config.host() + ":"
                + config.port() + " stopped: " + why + hint, error);
    }

    /** Whether the connector's streaming metrics MBean reports a live binlog connection. */
    private boolean connected() {
        try {
            javax.management.MBeanServer server = java.lang.management.ManagementFactory.getPlatformMBeanServer();
            for (javax.management.ObjectName n : server.queryNames(new javax.management.ObjectName(
                    "debezium.*:type=connector-metrics,context=streaming,server=" + config.name() + ",*"), null)) {
                if (Boolean.TRUE.equals(server.getAttribute(n, "Connected"))) {
                    return true;
                }
            }
            return false;
        } catch (javax.management.JMException e) {
            return false;
        }
    }

    /** The error that stopped the engine, or null. */
    Throwable failure() {
        return failure.get();
    }

    boolean isRunning() {
        Thread t = thread;
        return t != null && t.isAlive() && failure.get() == null;
    }

    @Override
    public void close() {
        try {
            if (engine != null) {
                engine.close();
            }
        } catch (IllegalStateException e) {
            // already shut down after a failure
        } catch (IOException e) {
            log.warn("closing the Debezium engine {}: {}", config.name(), e.getMessage());
        }
        Thread t = thread;
        if (t != null && t != Thread.currentThread()) {
            try {
                t.join(30_000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

}
