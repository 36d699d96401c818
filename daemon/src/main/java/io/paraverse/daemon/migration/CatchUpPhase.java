package io.paraverse.daemon.migration;

import io.paraverse.daemon.pipeline.GtidPosition;
import io.paraverse.daemon.pipeline.Pipeline;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.Map;
import java.util.function.BooleanSupplier;

/**
 * CATCHING_UP: apply the journal through the migration's translators into the upgraded clone. Ready when the
 * target has everything the source had a moment ago, and stays so for the sustained window.
 */
final class CatchUpPhase {
    private static final int DEFAULT_READY_LAG_SECONDS = 5;
    private static final Duration DEFAULT_SUSTAINED = Duration.ofSeconds(10);

    private CatchUpPhase() { }

    /** Returns true when ready, false when asked to stop first. Throws when the pipeline fails. */
    static boolean run(MigrationContext ctx, BooleanSupplier keepRunning) throws Exception {
        Pipeline p = ctx.pipeline();
        if (p == null) { // after a restart: resume capture from the journal, apply from the checkpoint
            p = Pipeline.start(ctx.pipelineConfig(null).translator(ctx.translators()).build());
            ctx.pipeline(p);
        } else if (!p.applying()) {
            p.resumeApply(ctx.translators(), Map.of());
        }
        var cu = ctx.config.catchUp();
        int lagLimit = cu != null && cu.readyLagSeconds() != null ? cu.readyLagSeconds() : DEFAULT_READY_LAG_SECONDS;
        Duration sustained = cu != null && cu.sustainedValue() != null ? cu.sustainedValue() : DEFAULT_SUSTAINED;
        ctx.status.accept("catch-up: applying through the translators; ready when within " + lagLimit + " s for " + sustained.toSeconds() + " s");
        long withinSince = 0;
        long nextReport = 0;
        while (keepRunning.getAsBoolean()) {
            if (p.blockedDdl() != null) {
                throw new SourceDdlException(p.blockedDdl());
            }
            boolean within = withinLag(ctx, p, lagLimit);
            long now = System.nanoTime();
            withinSince = within ? (withinSince == 0 ? now : withinSince) : 0;
            if (withinSince != 0 && now - withinSince >= sustained.toNanos()) {
                ctx.status.accept("catch-up: within " + lagLimit + " s of the source for " + sustained.toSeconds() + " s: READY");
                return true;
            }
            if (now > nextReport) {
                var s = p.status();
                ctx.status.accept(String.format("catch-up: applied %,d row changes, up to %s, journal %,d KiB", s.rowsApplied(),
                        s.appliedGtidPosition(), s.journalBytes() / 1024));
                nextReport = now + 5_000_000_000L;
            }
            Thread.sleep(200);
        }
        return false;
    }

    /** Applied everything the source had {@code lagLimit} seconds ago at most: checked against the source's position now. */
    private static boolean withinLag(MigrationContext ctx, Pipeline p, int lagLimit) throws Exception {
        String now;
        try (Connection c = DriverManager.getConnection(ctx.source().jdbcUrl(""), ctx.source().user(), ctx.source().password());
             Statement st = c.createStatement(); ResultSet rs = st.executeQuery("SELECT @@gtid_binlog_pos")) {
            rs.next();
            now = rs.getString(1);
        }
        long deadline = System.nanoTime() + lagLimit * 1_000_000_000L;
        while (!p.hasApplied(GtidPosition.parse(now))) {
            if (System.nanoTime() > deadline) {
                return false;
            }
            Thread.sleep(20);
        }
        return true;
    }
}
