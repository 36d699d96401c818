package io.paraverse.daemon.clone;

import io.paraverse.clone.ChunkedCopy;
import io.paraverse.clone.CloneException;
import io.paraverse.clone.CloneProgress;
import io.paraverse.clone.CloneResult;
import io.paraverse.clone.CopyCheckpointStore;
import io.paraverse.clone.DeferredObject;
import io.paraverse.clone.SchemaCopier;
import io.paraverse.clone.SnapshotClone;
import io.paraverse.clone.TableRef;
import io.paraverse.daemon.pipeline.Endpoint;
import io.paraverse.daemon.pipeline.GtidPosition;
import io.paraverse.daemon.pipeline.Pipeline;
import io.paraverse.daemon.pipeline.PipelineConfig;
import io.paraverse.translator.SourcePosition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * One clone, top to bottom: copy (by the chosen method) or verify a restored target, then capture from the clone
 * point and apply until the target has everything the source had when the copy ended. The result names that
 * position; the pipeline's journal and the target's checkpoint let a later phase continue from it.
 * <p>
 * Running the same clone again after a crash resumes it: the chunked method from its last chunk, and every method
 * skips its copy once {@code paraverse.copy_run} says it finished (only catch-up is redone, from the checkpoint).
 */
public final class CloneRun {
    private static final Logger log = LoggerFactory.getLogger(CloneRun.class);

    /** How the target gets its data. */
    public enum Method {
        /** One consistent snapshot (MariaDB, no global lock), parallel writers; not resumable. */
        SNAPSHOT,
        /** Capture first, then primary-key chunks under row locks (ghostferry); resumable after kill -9. */
        CHUNKED,
        /** The operator restored a backup onto the target at a known GTID position; verified, not copied. */
        EXISTING
    }

    /** What to clone and how. */
    public record Config(String name, Endpoint source, Endpoint target, List<String> include, Method method, Path journalDir,
                         SchemaCopier.Options schema, SnapshotClone.Options snapshot, ChunkedCopy.Options chunked,
                         String existingGtid, Duration catchUpTimeout) {
        public Config {
            Objects.requireNonNull(name, "name");
            Objects.requireNonNull(source, "source");
            Objects.requireNonNull(target, "target");
            include = List.copyOf(include);
            Objects.requireNonNull(method, "method");
            Objects.requireNonNull(journalDir, "journalDir");
            Objects.requireNonNull(catchUpTimeout, "catchUpTimeout");
            if (method == Method.EXISTING && (existingGtid == null || existingGtid.isBlank())) {
                throw new IllegalArgumentException("--gtid is required with --method existing: the source GTID position the"
                        + " restored backup was taken at (mariadb_backup_binlog_info / xtrabackup_binlog_info)");
            }
        }
    }

    /**
     * @param clonePointGtid where capture started: the snapshot's position, the restored backup's, or (chunked) the
     *                       position before the first chunk
     * @param caughtUpTo     the source GTID position the target was brought to: it equals the source as of there
     * @param caughtUpBinlog the same point as binlog "file:pos" of the last applied transaction (null if none was applied)
     * @param skipped        objects nobody copies (e.g. sequences)
     * @param objects        views and routines created after the data ("created: view db.v", definer rewrites)
     * @param deferred       triggers and events to create at cutover (kept on the target in paraverse.deferred_object)
     * @param warnings       what catch-up cannot guarantee (e.g. a table without primary key)
     */
    public record Result(String name, Method method, String clonePointGtid, String caughtUpTo, String caughtUpBinlog, Map<TableRef, Long> rowsCopied,
                         List<String> skipped, List<String> objects, List<DeferredObject> deferred, List<String> warnings,
                         Duration copyTime, Duration catchUpTime, boolean resumed) {
        public long totalRows() {
            return rowsCopied.values().stream().mapToLong(Long::longValue).sum();
        }
    }

    private final Config config;
    private final CloneProgress progress;
    private final Consumer<String> status;

    /** @param status receives one line at each step and while catching up (for the CLI) */
    public CloneRun(Config config, CloneProgress progress, Consumer<String> status) {
        this.config = config;
        this.progress = progress;
        this.status = status;
    }

    public Result run() throws SQLException, InterruptedException {
        long t0 = System.nanoTime();
        CopyCheckpointStore store = new CopyCheckpointStore(config.name());
        Optional<CopyCheckpointStore.Run> finished = finishedCopy(store);
        Pipeline pipeline;
        String clonePoint;
        Map<TableRef, Long> rows = new LinkedHashMap<>();
        List<String> skipped = new ArrayList<>();
        List<String> objects = new ArrayList<>();
        List<DeferredObject> deferred = new ArrayList<>();
        List<String> warnings = new ArrayList<>();
        if (finished.isPresent()) {
            clonePoint = finished.get().captureStartGtid();
            status.accept("the copy finished earlier (clone point " + clonePoint + "); resuming catch-up");
            pipeline = startPipeline(clonePoint);
        } else {
            switch (config.method()) {
                case SNAPSHOT -> {
                    status.accept("copying one consistent snapshot of " + config.include());
                    CloneResult r = SnapshotClone.run(SourceTarget.cloneEndpoint(config.source()),
                            SourceTarget.cloneEndpoint(config.target()), config.snapshot().withSchema(config.schema()).withProgress(progress));
                    clonePoint = r.clonePoint().gtidPosition();
                    rows.putAll(r.rowsCopied());
                    skipped.addAll(r.skipped());
                    objects.addAll(r.objects());
                    deferred.addAll(r.deferred());
                    warnings.addAll(r.warnings());
                    try (Connection t = SourceTarget.connect(config.target())) {
                        store.createTables(t);
                        store.saveDeferred(t, r.deferred());
                    }
                    recordCopied(store, clonePoint);
                    pipeline = startPipeline(clonePoint);
                }
                case CHUNKED -> {
                    status.accept("capturing first, then copying " + config.include() + " in primary-key chunks");
                    ChunkedClone.Outcome o = new ChunkedClone(config.name(), config.source(), config.target(), config.schema(),
                            config.chunked().withProgress(progress), this::startPipeline).run();
                    pipeline = o.pipeline();
                    rows.putAll(o.rows());
                    skipped.addAll(o.skipped());
                    warnings.addAll(o.warnings());
                    objects.addAll(o.objects().report());
                    deferred.addAll(o.objects().deferred());
                    try (Connection t = SourceTarget.connect(config.target())) {
                        clonePoint = store.run(t).orElseThrow().captureStartGtid();
                    }
                }
                case EXISTING -> {
                    status.accept("checking that the target is a clone of the source at " + config.existingGtid());
                    warnings.addAll(ExistingTargetCheck.verify(config.source(), config.target(), schemas(), config.existingGtid()));
                    clonePoint = config.existingGtid();
                    recordCopied(store, clonePoint);
                    pipeline = startPipeline(clonePoint);
                }
                default -> throw new IllegalStateException(config.method().toString());
            }
        }
        long t1 = System.nanoTime();
        boolean caughtUp = false;
        try {
            String reached = catchUp(pipeline);
            caughtUp = true;
            SourcePosition applied = pipeline.appliedPosition();
            long t2 = System.nanoTime();
            if (finished.isPresent()) {
                try (Connection t = SourceTarget.connect(config.target())) {
                    deferred.addAll(store.deferred(t));
                }
            }
            Result result = new Result(config.name(), config.method(), clonePoint, reached,
                    applied == null ? null : applied.binlogFile() + ":" + applied.binlogPos(), rows, skipped, objects, deferred, warnings,
                    Duration.ofNanos(t1 - t0), Duration.ofNanos(t2 - t1), finished.isPresent());
            log.info("clone {} done: {} rows, clone point {}, caught up to {}", config.name(), result.totalRows(), clonePoint, reached);
            return result;
        } finally {
            if (keepCapturing && caughtUp) {
                pipeline.pauseApply();
                handedOver = pipeline;
            } else {
                pipeline.close();
            }
        }
    }

    private boolean keepCapturing;
    private Pipeline handedOver;
    private long journalBudgetBytes;

    /** The journal's disk budget for the pipeline this clone starts (0: unlimited). */
    public CloneRun journalBudget(long bytes) {
        this.journalBudgetBytes = bytes;
        return this;
    }

    /** A finished clone phase of a migration: the result, and the pipeline still capturing with apply paused. */
    public record Handoff(Result result, Pipeline pipeline) { }

    /**
     * For a migration: the same clone and catch-up, but the pipeline keeps capturing afterwards (apply paused), so no
     * source change is missed while the clone is upgraded.
     */
    public Handoff runKeepingCapture() throws SQLException, InterruptedException {
        keepCapturing = true;
        Result r = run();
        return new Handoff(r, handedOver);
    }

    /** Applies captured changes until the target holds everything the source had when the copy ended. */
    private String catchUp(Pipeline pipeline) throws SQLException, InterruptedException {
        String goal = SourceTarget.currentGtid(config.source());
        status.accept("catching up to the source's position " + goal);
        GtidPosition target = GtidPosition.parse(goal);
        long deadline = System.nanoTime() + config.catchUpTimeout().toNanos();
        long nextReport = System.nanoTime() + 5_000_000_000L;
        while (!pipeline.hasApplied(target)) {
            if (System.nanoTime() > deadline) {
                throw new CloneException("catch-up did not reach " + goal + " within " + config.catchUpTimeout().toSeconds()
                        + " s (applied up to " + pipeline.status().appliedGtidPosition() + "); run the same command again to continue");
            }
            if (System.nanoTime() > nextReport) {
                var s = pipeline.status();
                status.accept(String.format("catch-up: applied %,d rows, up to %s, journal %,d KiB", s.rowsApplied(),
                        s.appliedGtidPosition(), s.journalBytes() / 1024));
                nextReport = System.nanoTime() + 5_000_000_000L;
            }
            Thread.sleep(50);
        }
        SourcePosition applied = pipeline.appliedPosition();
        return applied != null ? applied.gtidPosition() : goal;
    }

    private java.util.function.UnaryOperator<PipelineConfig.Builder> pipelineSettings = b -> b;

    /**
     * Settings the caller's pipelines share (a migration: its capture kind, its journal kind, acknowledged DDL), so
     * the pipeline started here is the one the migration keeps.
     */
    public CloneRun pipelineSettings(java.util.function.UnaryOperator<PipelineConfig.Builder> settings) {
        this.pipelineSettings = settings;
        return this;
    }

    private Pipeline startPipeline(String startGtid) {
        List<String> tables = new ArrayList<>();
        for (String p : config.include()) {
            tables.add(p.contains(".") ? p : p + ".*");
        }
        return Pipeline.start(pipelineSettings.apply(PipelineConfig.builder().name(config.name()).source(config.source())
                .target(config.target()).journalDir(config.journalDir()).include(tables).startGtid(startGtid)
                .journalBudgetBytes(journalBudgetBytes)).build());
    }

    private Optional<CopyCheckpointStore.Run> finishedCopy(CopyCheckpointStore store) throws SQLException {
        try (Connection t = SourceTarget.connect(config.target())) {
            return store.run(t).filter(r -> r.phase() == CopyCheckpointStore.Phase.COPIED);
        }
    }

    private void recordCopied(CopyCheckpointStore store, String clonePoint) throws SQLException {
        try (Connection t = SourceTarget.connect(config.target())) {
            store.createTables(t);
            store.setPhase(t, CopyCheckpointStore.Phase.COPIED, clonePoint);
        }
    }

    private List<String> schemas() {
        List<String> out = new ArrayList<>();
        for (String p : config.include()) {
            String s = p.contains(".") ? p.substring(0, p.indexOf('.')) : p;
            if (!out.contains(s)) {
                out.add(s);
            }
        }
        return out;
    }
}
