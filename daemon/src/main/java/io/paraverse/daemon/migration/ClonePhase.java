package io.paraverse.daemon.migration;

import io.paraverse.clone.ChunkedCopy;
import io.paraverse.clone.SchemaCopier;
import io.paraverse.clone.SnapshotClone;
import io.paraverse.daemon.clone.CloneRun;
import io.paraverse.daemon.clone.CloneProgressView;

import java.sql.SQLException;
import java.time.Duration;

/**
 * CLONING: copy production onto the target by the configured method, catch it up (identity: the old schema), and
 * leave the pipeline capturing with apply paused. Run again after a crash: the chunked method resumes; a snapshot
 * that did not finish is taken again (the target's cloned schemas are ours by now); a finished copy is not redone.
 */
final class ClonePhase {
    private ClonePhase() { }

    /** Returns the clone point (where capture started). */
    static String run(MigrationContext ctx) throws SQLException, InterruptedException {
        var c = ctx.config.cloneOrDefault();
        // the cloned schemas on the target are empty, ours from an earlier attempt, or released by the operator (overwrite)
        SchemaCopier.Options schema = new SchemaCopier.Options(c.includeList(), true, false, false);
        SnapshotClone.Options snapshot = SnapshotClone.Options.of(schema);
        ChunkedCopy.Options chunked = ChunkedCopy.Options.defaults().withResumeHint("restart the daemon (the migration resumes)");
        if (c.readers() != null) snapshot = snapshot.withReaders(c.readers());
        if (c.writers() != null) snapshot = snapshot.withWriters(c.writers());
        if (c.copiers() != null) chunked = chunked.withCopiers(c.copiers());
        if (c.chunkRows() != null) {
            snapshot = snapshot.withChunkRows(c.chunkRows());
            chunked = chunked.withChunkRows(c.chunkRows());
        }
        CloneRun.Config cfg = new CloneRun.Config(ctx.config.name(), ctx.source(), ctx.target(), c.includeList(), c.methodValue(),
                ctx.journalDir(), schema, snapshot, chunked, c.gtid(), Duration.ofHours(24));
        try (CloneProgressView view = new CloneProgressView(null, 0)) {
            Long budget = ctx.config.journal().diskBudgetBytes();
            CloneRun.Handoff h = new CloneRun(cfg, view, line -> ctx.status.accept("clone: " + line))
                    .journalBudget(budget == null ? 0 : budget).runKeepingCapture();
            ctx.pipeline(h.pipeline());
            ctx.status.accept(String.format("clone: %,d rows copied (clone point %s); capture continues, apply paused",
                    h.result().totalRows(), h.result().clonePointGtid()));
            return h.result().clonePointGtid();
        }
    }
}
