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

    private static void forgetEarlierAttempt(MigrationContext ctx) throws SQLException, java.io.IOException {
        var c = ctx.config.cloneOrDefault();
        if (c.methodValue() == CloneRun.Method.EXISTING) {
            throw new IllegalStateException("the upgrade failed on your restored backup, which may now be half-upgraded: restore it"
                    + " again on the target, then retry");
        }
        var t = ctx.target();
        try (java.sql.Connection conn = java.sql.DriverManager.getConnection(t.jdbcUrl(""), t.user(), t.password());
             java.sql.Statement st = conn.createStatement()) {
            for (String schema : c.schemas()) {
                st.execute("DROP DATABASE IF EXISTS `" + schema.replace("`", "``") + "`");
            }
            for (String table : java.util.List.of("copy_run", "copy_progress", "apply_checkpoint", "apply_worker_checkpoint", "id_map",
                    "id_allocator", "deferred_object")) {
                try {
                    st.execute("DELETE FROM paraverse." + table + " WHERE pipeline = '" + ctx.config.name().replace("'", "''") + "'");
                } catch (SQLException e) {
                    if (e.getErrorCode() != 1146 && e.getErrorCode() != 1049) { // not there: nothing to forget
                        throw e;
                    }
                }
            }
        }
        io.paraverse.daemon.WorkDirs.delete(ctx.journalDir());
        ctx.status.accept("clone: retrying on a fresh clone: dropped " + c.schemas() + " on the target and the earlier attempt's progress");
    }

    /**
     * Returns the clone point (where capture started). {@code fresh}: a retry after a failed upgrade — everything of the
     * earlier attempt goes first (the cloned schemas, which the upgrade changed; the copy and apply progress; id maps;
     * the journal), since nothing of a half-upgraded clone can be trusted.
     */
    static String run(MigrationContext ctx, boolean fresh) throws SQLException, InterruptedException, java.io.IOException {
        var c = ctx.config.cloneOrDefault();
        if (fresh) {
            forgetEarlierAttempt(ctx);
        }
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
            ctx.copyProgress = view;
            Long budget = ctx.config.journal().diskBudgetBytes();
            CloneRun.Handoff h = new CloneRun(cfg, view, line -> ctx.status.accept("clone: " + line))
                    .journalBudget(budget == null ? 0 : budget).pipelineSettings(ctx::sourceSide).runKeepingCapture();
            ctx.pipeline(h.pipeline());
            ctx.status.accept(String.format("clone: %,d rows copied (clone point %s); capture continues, apply paused",
                    h.result().totalRows(), h.result().clonePointGtid()));
            return h.result().clonePointGtid();
        }
    }
}
