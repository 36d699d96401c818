package io.paraverse.daemon.clone;

import io.paraverse.clone.ChunkedCopy;
import io.paraverse.clone.CopyCheckpointStore;
import io.paraverse.clone.CopyCheckpointStore.Phase;
import io.paraverse.clone.SchemaCopier;
import io.paraverse.clone.TableRef;
import io.paraverse.daemon.pipeline.Endpoint;
import io.paraverse.daemon.pipeline.Pipeline;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;

/**
 * The resumable clone, top to bottom: schema, then capture from the source's current position, then the chunked
 * row copy while the pipeline applies captured changes. Every step records its progress on the target
 * ({@link CopyCheckpointStore}), so running it again after a crash continues where it stopped:
 * <ol>
 * <li>SCHEMA: tables created (a half-made schema from a crash in this step is ours to redo);</li>
 * <li>COPYING: capture started at the recorded position, tables copied chunk by chunk;</li>
 * <li>COPIED: all rows copied; the caller waits for the pipeline to catch up.</li>
 * </ol>
 */
final class ChunkedClone {
    private static final Logger log = LoggerFactory.getLogger(ChunkedClone.class);

    /** What a run produced: the started pipeline (still running), the rows per table, and the schema objects' report. */
    record Outcome(Pipeline pipeline, Map<TableRef, Long> rows, List<String> skipped, List<String> warnings,
                   SchemaCopier.ObjectsResult objects) { }

    private final Endpoint source;
    private final Endpoint target;
    private final SchemaCopier.Options schema;
    private final ChunkedCopy.Options copyOptions;
    private final CopyCheckpointStore store;
    private final Function<String, Pipeline> startPipeline;

    /** @param startPipeline starts capture + apply at a GTID position (or resumes it from its journal) */
    ChunkedClone(String name, Endpoint source, Endpoint target, SchemaCopier.Options schema, ChunkedCopy.Options copyOptions,
                 Function<String, Pipeline> startPipeline) {
        this.source = source;
        this.target = target;
        this.schema = schema;
        this.copyOptions = copyOptions;
        this.store = new CopyCheckpointStore(name);
        this.startPipeline = startPipeline;
    }

    Outcome run() throws SQLException {
        SchemaCopier.Result created = new SchemaCopier.Result(List.of(), List.of(), List.of());
        String captureFrom;
        try (Connection t = SourceTarget.connect(target)) {
            store.createTables(t);
            Optional<CopyCheckpointStore.Run> previous = store.run(t);
            if (previous.isEmpty() || previous.get().phase() == Phase.SCHEMA) {
                created = createSchema(t, previous.isPresent());
                // capture must start before the first chunk is read: every change after this point reaches the target
                captureFrom = SourceTarget.currentGtid(source);
                store.setPhase(t, Phase.COPYING, captureFrom);
                log.info("schema created; capture starts at {}", captureFrom);
            } else {
                captureFrom = previous.get().captureStartGtid();
                log.info("resuming the chunked clone (phase {}, capture started at {})", previous.get().phase(), captureFrom);
            }
        }
        Pipeline pipeline = startPipeline.apply(captureFrom);
        try {
            Map<TableRef, Long> rows = new ChunkedCopy(SourceTarget.cloneEndpoint(source), SourceTarget.cloneEndpoint(target), store,
                    copyOptions).run();
            SchemaCopier.ObjectsResult objects;
            try (Connection s = SourceTarget.connect(source); Connection t = SourceTarget.connect(target)) {
                // views and routines once the data is there; triggers and events are kept for cutover
                objects = SchemaCopier.copyProgrammableObjects(s, t, schema);
                store.saveDeferred(t, objects.deferred());
                store.setPhase(t, Phase.COPIED, null);
            }
            return new Outcome(pipeline, rows, created.skipped(), created.warnings(), objects);
        } catch (RuntimeException | SQLException e) {
            pipeline.close();
            throw e;
        }
    }

    private SchemaCopier.Result createSchema(Connection t, boolean redo) throws SQLException {
        store.setPhase(t, Phase.SCHEMA, null);
        SchemaCopier.Result created;
        try (Connection s = SourceTarget.connect(source)) {
            created = SchemaCopier.copy(s, t, redo ? schema.withOverwrite(true) : schema);
        }
        store.register(t, created.tables());
        return created;
    }
}
